import fc from 'fast-check';
import request from 'supertest';
import type { Caller } from '../src/access/caller';
import { type Sql, toStatement } from '../src/common/sql';
import { ListParams, listCountSql } from '../src/models/model-read.sql';
import { bearer } from './support/actors';
import { createCustomModel, modelApi, publicGrant, setGrants, userGrant } from './support/model-fixtures';
import { buildWorld, modelPlan, seed, TAGS, text, type World } from './support/random-world';
import { countOf, plainCountSql, worldCaller } from './support/count-oracle';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * public_models (migration PublicModelFilters) is a trigger-kept copy of the public custom models'
 * filter columns, from which a filtered list counts its public share (splitFilteredCountSql). The
 * copy must follow every write, and the split count must give the same total as counting readable
 * matches on models did.
 */
jest.setTimeout(180_000);

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
});
afterAll(() => t?.close());

/** The copy, and what it must hold: the public custom models' filter columns. */
async function expectCopyExact(): Promise<number> {
  const columns = `id, user_id::text AS user_id, tags, search`;
  const copy = await t.dataSource.query(`SELECT ${columns} FROM public_models ORDER BY id`);
  const wanted = await t.dataSource.query(
    `SELECT ${columns} FROM models WHERE is_public AND base_model_id IS NOT NULL ORDER BY id`,
  );
  expect(copy).toEqual(wanted);
  return copy.length;
}

const callerOf = (person: number): Caller => worldCaller(world, person);

const total = (statement: Sql): Promise<number> => countOf(t.dataSource, statement);

describe('public_models', () => {
  it('follows create, edit, public and private again, hide, disable, owner deletion and delete', async () => {
    const [admin, zoe, bob] = world.people.map((p) => p.actor);
    const base = 'acme/base-one';
    await t.dataSource.query('DELETE FROM models WHERE base_model_id IS NOT NULL');
    expect(await expectCopyExact()).toBe(0);

    await createCustomModel(t, zoe, { id: 'zoe/one', base_model_id: base, meta: { tags: ['Alpha'] } });
    await createCustomModel(t, zoe, { id: 'zoe/two', base_model_id: base, meta: { tags: ['beta'] } });
    expect(await expectCopyExact()).toBe(0);
    // Public grants are the admin's to give (docs/access.md).
    await setGrants(t, admin, 'zoe/two', [publicGrant()]);
    expect(await expectCopyExact()).toBe(1);

    await setGrants(t, admin, 'zoe/one', [publicGrant(), userGrant(bob.id)]);
    expect(await expectCopyExact()).toBe(2);

    const edited = await modelApi(t, zoe).update({ id: 'zoe/one', name: 'Renamed Coder', meta: { tags: ['gamma'] } });
    expect(edited.status).toBe(200);
    const [copied] = await t.dataSource.query(`SELECT tags, search FROM public_models WHERE id = 'zoe/one'`);
    expect(copied.tags).toEqual(['gamma']);
    expect(copied.search).toContain('renamed coder');
    await expectCopyExact();

    await setGrants(t, zoe, 'zoe/one', [userGrant(bob.id)]);
    expect(await expectCopyExact()).toBe(1);
    await setGrants(t, admin, 'zoe/one', [publicGrant()]);
    expect(await expectCopyExact()).toBe(2);

    // Hidden and disabled models are still counted by the workspace list, so the copy keeps them.
    expect((await modelApi(t, zoe).update({ id: 'zoe/two', meta: { hidden: true, tags: ['beta'] } })).status).toBe(200);
    expect((await modelApi(t, zoe).toggle('zoe/two')).status).toBe(200);
    expect(await expectCopyExact()).toBe(2);

    // The owner's deletion nulls user_id on the model (ON DELETE SET NULL): the copy follows.
    const doomed = await request(t.server).delete(`/api/users/${zoe.id}`).set(bearer(admin.token));
    expect(doomed.status).toBe(200);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM public_models WHERE user_id IS NULL`)).toEqual([
      { n: 2 },
    ]);
    expect(await expectCopyExact()).toBe(2);

    expect((await modelApi(t, admin).remove('zoe/one')).status).toBe(200);
    expect(await expectCopyExact()).toBe(1);
    await t.dataSource.query(`TRUNCATE models CASCADE`);
    expect(await expectCopyExact()).toBe(0);
  });
});

describe('the split filtered count', () => {
  beforeAll(async () => {
    // The test above truncated models and deleted a person: start again.
    await t.close();
    t = await startTestApp();
    world = await buildWorld(t);
  });

  it('gives the same totals as counting readable matches on models, for random worlds, filters and callers', async () => {
    const filter = fc.record({
      caller: fc.integer({ min: 1, max: 4 }),
      tag: fc.option(fc.constantFrom(...TAGS, 'missing'), { nil: null }),
      query: fc.option(fc.oneof(text(1, 3), fc.constantFrom('a', 'b', 'zoë', 'example.test', '%')), { nil: null }),
    });
    const scenario = fc.tuple(
      fc.array(modelPlan, { minLength: 20, maxLength: 60 }),
      fc.array(filter, { minLength: 6, maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ([plans, filters]) => {
        await seed(world, plans);
        await expectCopyExact();
        for (const { caller: person, tag, query } of filters) {
          if (tag === null && query === null) continue;
          const caller = callerOf(person);
          const params: ListParams = {
            query,
            tag,
            viewOption: null,
            orderBy: 'created_at',
            direction: 'desc',
            page: 1,
          };
          const split = listCountSql(caller, params);
          expect(toStatement(split).text).toContain('FROM public_models m');
          expect({ person, tag, query, total: await total(split) }).toEqual({
            person,
            tag,
            query,
            total: await total(plainCountSql(caller, params)),
          });
        }
      }),
      { numRuns: Number(process.env.PUBLIC_MODELS_RUNS ?? 8), endOnFailure: true },
    );
  });
});
