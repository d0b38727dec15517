import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import type { Caller } from '../src/access/caller';
import type { Sql } from '../src/common/sql';
import { ListParams, listCountSql } from '../src/models/model-read.sql';
import { bearer } from './support/actors';
import { createCustomModel, modelApi, publicGrant, setGrants, userGrant } from './support/model-fixtures';
import { BASES, buildWorld, modelPlan, seed, type World } from './support/random-world';
import { countOf, plainCountSql, worldCaller } from './support/count-oracle';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * model_counts (migration ModelCounts) keeps the number of custom models and of public custom
 * models, from which an unfiltered list takes its total or its public share. The counts must be
 * exact after any write, from any number of connections at once, and the totals built on them the
 * same as counting readable models.
 */
jest.setTimeout(180_000);

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
});
afterAll(() => t?.close());

const COUNTS = `SELECT (SELECT count(*) FROM models WHERE base_model_id IS NOT NULL)::int AS custom,
  (SELECT count(*) FROM models WHERE base_model_id IS NOT NULL AND is_public)::int AS public_custom,
  (SELECT COALESCE(sum(custom), 0) FROM model_counts)::int AS kept_custom,
  (SELECT COALESCE(sum(public_custom), 0) FROM model_counts)::int AS kept_public_custom`;

interface Counts {
  custom: number;
  public_custom: number;
  kept_custom: number;
  kept_public_custom: number;
}

/** The kept counts equal the counted ones (in one snapshot); returns the custom models' number. */
async function expectCountsExact(client: { query: (text: string) => Promise<unknown> } = t.dataSource) {
  const result = (await client.query(COUNTS)) as Counts[] | { rows: Counts[] };
  const [row] = Array.isArray(result) ? result : result.rows;
  expect({ custom: row.kept_custom, public_custom: row.kept_public_custom }).toEqual({
    custom: row.custom,
    public_custom: row.public_custom,
  });
  return row.custom;
}

const callerOf = (person: number, bypass = false): Caller => worldCaller(world, person, bypass);

const total = (statement: Sql): Promise<number> => countOf(t.dataSource, statement);

describe('model_counts', () => {
  it('follows create, public and private again, disable, owner deletion, delete, kind change and truncate', async () => {
    const [admin, zoe, bob] = world.people.map((p) => p.actor);
    const base = BASES[0];
    await t.dataSource.query('DELETE FROM models WHERE base_model_id IS NOT NULL');
    expect(await expectCountsExact()).toBe(0);

    await createCustomModel(t, zoe, { id: 'zoe/one', base_model_id: base });
    await createCustomModel(t, zoe, { id: 'zoe/two', base_model_id: base });
    expect(await expectCountsExact()).toBe(2);
    await setGrants(t, admin, 'zoe/two', [publicGrant()]);
    await setGrants(t, admin, 'zoe/one', [publicGrant(), userGrant(bob.id)]);
    await expectCountsExact();
    await setGrants(t, zoe, 'zoe/one', [userGrant(bob.id)]);
    await expectCountsExact();
    expect((await modelApi(t, zoe).toggle('zoe/two')).status).toBe(200);
    await expectCountsExact();

    const doomed = await request(t.server).delete(`/api/users/${zoe.id}`).set(bearer(admin.token));
    expect(doomed.status).toBe(200);
    expect(await expectCountsExact()).toBe(2);
    expect((await modelApi(t, admin).remove('zoe/two')).status).toBe(200);
    expect(await expectCountsExact()).toBe(1);

    // A custom model made a base model and back (models_kind_changed rewrites it in a nested statement).
    await t.dataSource.query(`UPDATE models SET base_model_id = NULL WHERE id = 'zoe/one'`);
    expect(await expectCountsExact()).toBe(0);
    await t.dataSource.query(`UPDATE models SET base_model_id = $1 WHERE id = 'zoe/one'`, [base]);
    expect(await expectCountsExact()).toBe(1);

    await t.dataSource.query(`TRUNCATE models CASCADE`);
    expect(await expectCountsExact()).toBe(0);
  });
});

describe('totals on model_counts', () => {
  beforeAll(async () => {
    // The test above truncated models and deleted a person: start again.
    await t.close();
    t = await startTestApp();
    world = await buildWorld(t);
  });

  it('equal counting readable models, for random worlds, callers and views', async () => {
    const scenario = fc.tuple(
      fc.array(modelPlan, { minLength: 10, maxLength: 50 }),
      fc.array(fc.integer({ min: 0, max: world.people.length - 1 }), { minLength: 2, maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ([plans, people]) => {
        await seed(world, plans);
        await expectCountsExact();
        for (const person of people) {
          for (const bypass of [false, true]) {
            for (const viewOption of [null, 'shared', 'created'] as const) {
              const caller = callerOf(person, bypass);
              const params: ListParams = {
                query: null,
                tag: null,
                viewOption,
                orderBy: 'created_at',
                direction: 'desc',
                page: 1,
              };
              expect({ person, bypass, viewOption, total: await total(listCountSql(caller, params)) }).toEqual({
                person,
                bypass,
                viewOption,
                total: await total(plainCountSql(caller, params)),
              });
            }
          }
        }
      }),
      { numRuns: Number(process.env.MODEL_COUNTS_RUNS ?? 6), endOnFailure: true },
    );
  });

  it('stay exact under concurrent inserts, deletes, grant changes and kind changes, committed or rolled back', async () => {
    const clients = Array.from({ length: 24 }, () => new Client({ connectionString: t.config.databaseUrl }));
    await Promise.all(clients.map((client) => client.connect()));
    const reader = new Client({ connectionString: t.config.databaseUrl });
    await reader.connect();
    const errors: string[] = [];
    const until = Date.now() + 4_000;
    let next = 0;
    try {
      // More connections than slots, so writers share count rows.
      const write = async (client: Client, worker: number) => {
        while (Date.now() < until) {
          await client.query('BEGIN');
          try {
            for (let step = 0; step < 3; step++) await randomWrite(client, `conc/${worker}-${next++}`);
            await client.query(Math.random() < 0.2 ? 'ROLLBACK' : 'COMMIT');
          } catch (error) {
            errors.push(String(error));
            await client.query('ROLLBACK');
          }
        }
      };
      const check = async () => {
        let checks = 0;
        while (Date.now() < until) {
          await expectCountsExact(reader);
          checks += 1;
        }
        return checks;
      };
      const [checks] = await Promise.all([check(), ...clients.map(write)]);
      expect(checks).toBeGreaterThan(0);
    } finally {
      await Promise.all([...clients, reader].map((client) => client.end()));
    }
    // No writer ever waited for another in a cycle (deadlock) or failed otherwise.
    expect(errors).toEqual([]);
    expect(await expectCountsExact()).toBeGreaterThan(0);
  });
});

/** One write of models, picking rows no other writer holds (SKIP LOCKED) so only the counts are shared. */
async function randomWrite(client: Client, id: string): Promise<void> {
  const pick = (n: number, where = 'true') =>
    `SELECT id FROM models WHERE id LIKE 'conc/%' AND ${where} ORDER BY random() LIMIT ${n} FOR UPDATE SKIP LOCKED`;
  const roll = Math.random();
  if (roll < 0.35) {
    await client.query(
      `INSERT INTO models (id, base_model_id, name, name_sort, created_at, updated_at)
       SELECT $1 || '.' || i, CASE WHEN random() < 0.9 THEN $2 END, 'n', 'n', 0, 0 FROM generate_series(1, 3) i`,
      [id, BASES[0]],
    );
  } else if (roll < 0.5) {
    await client.query(`DELETE FROM models WHERE id IN (${pick(2)})`);
  } else if (roll < 0.7) {
    // Public through a grant to user:*, as the service makes it (refresh_model_access sets is_public).
    await client.query(
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
       SELECT id, 'user', '*', 'read' FROM (${pick(2)}) p ON CONFLICT DO NOTHING`,
    );
  } else if (roll < 0.85) {
    await client.query(`DELETE FROM access_grants WHERE principal_id = '*' AND model_id IN (${pick(2, 'is_public')})`);
  } else if (roll < 0.93) {
    await client.query(
      `UPDATE models SET base_model_id = CASE WHEN base_model_id IS NULL THEN $1 END WHERE id IN (${pick(1)})`,
      [BASES[0]],
    );
  } else {
    await client.query(`UPDATE models SET name = name || '.' WHERE id IN (${pick(2)})`);
  }
}
