import fc from 'fast-check';
import request from 'supertest';
import type { Caller } from '../src/access/caller';
import { type Sql, toStatement } from '../src/common/sql';
import { ListParams, listCountSql } from '../src/models/model-read.sql';
import { bearer } from './support/actors';
import { createCustomModel, groupGrant, modelApi, publicGrant, setGrants, userGrant } from './support/model-fixtures';
import { buildWorld, modelPlan, seed, TAGS, text, type World } from './support/random-world';
import { countOf, plainCountSql, worldCaller } from './support/count-oracle';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * public_models (migration PublicModelFilters), public_model_tags and private_models (migration
 * PrivateModelFilters) are trigger-kept copies of the custom models' filter columns, from which a
 * filtered list counts its public share and its private share (splitFilteredCountSql). The copies
 * must follow every write, and the split count must give the same total as counting readable
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

/** The copies, and what they must hold: the public and the private custom models' filter columns and created_at. */
async function expectCopyExact(): Promise<number> {
  const columns = `id, user_id::text AS user_id, tags, search, created_at`;
  const copy = await t.dataSource.query(`SELECT ${columns} FROM public_models ORDER BY id`);
  const wanted = await t.dataSource.query(
    `SELECT ${columns} FROM models WHERE is_public AND base_model_id IS NOT NULL ORDER BY id`,
  );
  expect(copy).toEqual(wanted);
  const tags = await t.dataSource.query(`SELECT tag, id FROM public_model_tags ORDER BY tag, id`);
  const wantedTags = await t.dataSource.query(
    `SELECT DISTINCT tag, id FROM public_models, unnest(tags) AS tag ORDER BY tag, id`,
  );
  expect(tags).toEqual(wantedTags);
  await expectPrivateCopyExact();
  return copy.length;
}

async function expectPrivateCopyExact(): Promise<number> {
  const columns = `id, user_id::text AS user_id, readers, tags, search, created_at`;
  const copy = await t.dataSource.query(`SELECT ${columns} FROM private_models ORDER BY id`);
  const wanted = await t.dataSource.query(
    `SELECT ${columns} FROM models WHERE NOT is_public AND base_model_id IS NOT NULL ORDER BY id`,
  );
  expect(copy).toEqual(wanted);
  return copy.length;
}

const callerOf = (person: number): Caller => worldCaller(world, person);

const total = (statement: Sql): Promise<number> => countOf(t.dataSource, statement);

/** The split count of `person` for a tag or a query equals the oracle's, and is `expected`. */
async function expectSplitCount(person: number, filter: Partial<ListParams>, expected: number): Promise<void> {
  const params: ListParams = {
    query: null,
    tag: null,
    viewOption: null,
    orderBy: 'created_at',
    direction: 'desc',
    page: 1,
    ...filter,
  };
  const caller = callerOf(person);
  expect(toStatement(listCountSql(caller, params)).text).toContain('FROM private_models m');
  const split = await total(listCountSql(caller, params));
  expect({ person, filter, split }).toEqual({ person, filter, split: await total(plainCountSql(caller, params)) });
  expect({ person, filter, split }).toEqual({ person, filter, split: expected });
}

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
    expect(await t.dataSource.query(`SELECT tag FROM public_model_tags WHERE id = 'zoe/one'`)).toEqual([
      { tag: 'gamma' },
    ]);
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

describe('private_models', () => {
  beforeAll(async () => {
    // The test above truncated models and deleted a person: start again.
    await t.close();
    t = await startTestApp();
    world = await buildWorld(t);
  });

  it('follows create, edit, grant and revoke, public and back, membership, owner deletion, kind change, delete and truncate', async () => {
    // people: 0 admin, 1 zoe, 2 bob, 3 ilkay, 4 smiley; groups: 0 [zoe, bob], 1 [bob, ilkay], 2 [smiley].
    const [admin, zoe, bob, ilkay] = world.people.map((p) => p.actor);
    const [groupOne, groupTwo] = world.groupIds;
    const base = 'acme/base-one';
    await t.dataSource.query('DELETE FROM models WHERE base_model_id IS NOT NULL');
    expect(await expectPrivateCopyExact()).toBe(0);

    // Create: a private model is copied with its owner, readers, tags and search text.
    await createCustomModel(t, zoe, {
      id: 'zoe/p1',
      base_model_id: base,
      name: 'Coder One',
      meta: { tags: ['Alpha'] },
    });
    await createCustomModel(t, ilkay, { id: 'ilkay/p2', base_model_id: base, meta: { tags: ['alpha'] } });
    expect(await expectPrivateCopyExact()).toBe(2);
    await expectSplitCount(1, { tag: 'alpha' }, 1);
    await expectSplitCount(2, { tag: 'alpha' }, 0);

    // Edit: tags and search text follow.
    expect(
      (await modelApi(t, zoe).update({ id: 'zoe/p1', name: 'Numismatic Coder', meta: { tags: ['beta'] } })).status,
    ).toBe(200);
    expect(await expectPrivateCopyExact()).toBe(2);
    await expectSplitCount(1, { tag: 'alpha' }, 0);
    await expectSplitCount(1, { query: 'numismatic' }, 1);

    // Grant to a user, to a group, then revoke: readers follow.
    await setGrants(t, zoe, 'zoe/p1', [userGrant(bob.id)]);
    await expectPrivateCopyExact();
    await expectSplitCount(2, { tag: 'beta' }, 1);
    await expectSplitCount(3, { tag: 'beta' }, 0);
    await setGrants(t, zoe, 'zoe/p1', [groupGrant(groupTwo)]);
    await expectPrivateCopyExact();
    await expectSplitCount(3, { query: 'coder' }, 1);
    // Granted to the owner's own group: counted once for the owner, not twice.
    await setGrants(t, zoe, 'zoe/p1', [groupGrant(groupOne), userGrant(zoe.id)]);
    await expectPrivateCopyExact();
    await expectSplitCount(1, { tag: 'beta' }, 1);
    await setGrants(t, zoe, 'zoe/p1', []);
    await expectPrivateCopyExact();
    await expectSplitCount(2, { tag: 'beta' }, 0);
    await expectSplitCount(1, { tag: 'beta' }, 1);

    // Public and private again: the model moves between the copies.
    await setGrants(t, admin, 'zoe/p1', [publicGrant()]);
    expect(await expectPrivateCopyExact()).toBe(1);
    expect(await expectCopyExact()).toBe(1);
    await expectSplitCount(3, { tag: 'beta' }, 1);
    await setGrants(t, admin, 'zoe/p1', [groupGrant(groupTwo)]);
    expect(await expectPrivateCopyExact()).toBe(2);
    expect(await expectCopyExact()).toBe(0);

    // Membership: readers name the group, so nothing is copied, and the count follows.
    await expectSplitCount(4, { tag: 'beta' }, 0);
    const joined = await request(t.server)
      .post(`/api/groups/${groupTwo}/members`)
      .set(bearer(admin.token))
      .send({ user_ids: [world.people[4].id] });
    expect(joined.status).toBeLessThan(300);
    world.people[4].groups = [...world.people[4].groups, groupTwo];
    await expectPrivateCopyExact();
    await expectSplitCount(4, { tag: 'beta' }, 1);

    // The owner's deletion nulls user_id on the model (ON DELETE SET NULL): the copy follows.
    const doomed = await request(t.server).delete(`/api/users/${ilkay.id}`).set(bearer(admin.token));
    expect(doomed.status).toBe(200);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM private_models WHERE user_id IS NULL`)).toEqual([
      { n: 1 },
    ]);
    expect(await expectPrivateCopyExact()).toBe(2);

    // A custom model turned base model and back (no route does it; the copy must not care).
    await t.dataSource.query(`UPDATE models SET base_model_id = NULL WHERE id = 'zoe/p1'`);
    expect(await expectPrivateCopyExact()).toBe(1);
    await t.dataSource.query(`UPDATE models SET base_model_id = $1 WHERE id = 'zoe/p1'`, [base]);
    expect(await expectPrivateCopyExact()).toBe(2);

    expect((await modelApi(t, zoe).remove('zoe/p1')).status).toBe(200);
    expect(await expectPrivateCopyExact()).toBe(1);
    await t.dataSource.query(`TRUNCATE models CASCADE`);
    expect(await expectPrivateCopyExact()).toBe(0);
  });
});

describe('the split filtered count', () => {
  beforeAll(async () => {
    // The tests above truncated models, deleted people and changed a membership: start again.
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
          expect(toStatement(split).text).toContain('FROM private_models m');
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
