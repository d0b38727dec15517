import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import type { ListParams } from '../src/models/model-read.sql';
import { listCountSql } from '../src/models/model-read.sql';
import { bearer } from './support/actors';
import { countOf, plainCountSql, worldCaller } from './support/count-oracle';
import { createCustomModel, groupGrant, modelApi, publicGrant, setGrants, userGrant } from './support/model-fixtures';
import { BASES, buildWorld, modelPlan, seed, type World } from './support/random-world';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * private_grant_counts (migration PrivateGrantCounts) keeps how many private custom grants each
 * principal has per groups_before; an unfiltered user list counts its private share from it. It
 * must equal counting the grants after any write (grants, revokes, public toggles, kind changes,
 * deletions, truncation), from any number of connections at once, and the totals built on it the
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

/** Keys whose kept number differs from the grants counted, in one snapshot (none when exact). */
const DIFFERENCES = `
  WITH counted AS (SELECT principal_type, principal_id, groups_before, count(*) AS n FROM access_grants
                    WHERE private_custom GROUP BY 1, 2, 3),
  kept AS (SELECT principal_type, principal_id, groups_before, sum(n) AS n FROM private_grant_counts
            GROUP BY 1, 2, 3 HAVING sum(n) <> 0)
  SELECT principal_type, principal_id, groups_before::text, c.n::int AS counted, k.n::int AS kept
    FROM counted c FULL JOIN kept k USING (principal_type, principal_id, groups_before)
   WHERE c.n IS DISTINCT FROM k.n`;

const PRIVATE_GRANTS = `SELECT count(*)::int AS n FROM access_grants WHERE private_custom`;

type Queryable = { query: (text: string) => Promise<unknown> };
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

/** The kept numbers equal the counted ones; returns how many private custom grants there are. */
async function expectKeptExact(client: Queryable = t.dataSource): Promise<number> {
  expect(rowsOf(await client.query(DIFFERENCES))).toEqual([]);
  return rowsOf<{ n: number }>(await client.query(PRIVATE_GRANTS))[0].n;
}

describe('private_grant_counts', () => {
  it('follows grants, revokes, membership, public toggles, kind changes, deletions and truncation', async () => {
    const [admin, zoe, bob, ilkay] = world.people.map((p) => p.actor);
    const [g1, g2] = world.groupIds;
    const base = BASES[0];
    await t.dataSource.query('DELETE FROM models WHERE base_model_id IS NOT NULL');
    expect(await expectKeptExact()).toBe(0);

    await createCustomModel(t, zoe, { id: 'zoe/one', base_model_id: base });
    await createCustomModel(t, zoe, { id: 'zoe/two', base_model_id: base });
    await createCustomModel(t, bob, { id: 'bob/one', base_model_id: base });
    expect(await expectKeptExact()).toBe(0);
    // Grants: a group after another on the same model gets the first in groups_before.
    await setGrants(t, zoe, 'zoe/one', [groupGrant(g1), groupGrant(g2), userGrant(bob.id)]);
    await setGrants(t, zoe, 'zoe/two', [groupGrant(g2), userGrant(ilkay.id, 'write')]);
    await setGrants(t, bob, 'bob/one', [groupGrant(g1)]);
    expect(await expectKeptExact()).toBe(6);
    // A revoke that moves the first group (the other grants' groups_before change).
    await setGrants(t, zoe, 'zoe/one', [groupGrant(g2), userGrant(bob.id)]);
    expect(await expectKeptExact()).toBe(5);
    // Permission only: no key changes.
    await setGrants(t, zoe, 'zoe/one', [groupGrant(g2, 'write'), userGrant(bob.id)]);
    expect(await expectKeptExact()).toBe(5);

    // Membership changes touch no grant.
    const as = (path: string) => request(t.server).post(path).set(bearer(admin.token));
    expect((await as(`/api/groups/${g2}/members`).send({ user_ids: [world.people[4].id] })).status).toBe(200);
    const leave = await request(t.server).delete(`/api/groups/${g1}/members/${zoe.id}`).set(bearer(admin.token));
    expect(leave.status).toBe(200);
    expect(await expectKeptExact()).toBe(5);

    // Public and private again: the grants stop and start counting.
    await setGrants(t, admin, 'zoe/two', [groupGrant(g2), userGrant(ilkay.id, 'write'), publicGrant()]);
    expect(await expectKeptExact()).toBe(3);
    // Disabled and enabled again: still public, no change.
    expect((await modelApi(t, zoe).toggle('zoe/two')).status).toBe(200);
    expect(await expectKeptExact()).toBe(3);
    await setGrants(t, admin, 'zoe/two', [groupGrant(g2), userGrant(ilkay.id, 'write')]);
    expect(await expectKeptExact()).toBe(5);

    // A custom model made a base model and back (models_kind_changed, a nested statement).
    await t.dataSource.query(`UPDATE models SET base_model_id = NULL WHERE id = 'bob/one'`);
    expect(await expectKeptExact()).toBe(4);
    await t.dataSource.query(`UPDATE models SET base_model_id = $1 WHERE id = 'bob/one'`, [base]);
    expect(await expectKeptExact()).toBe(5);

    // A renamed model (ON UPDATE CASCADE rewrites its grants' model_id): nothing changes. Written
    // directly, as a model with history cannot be renamed.
    await t.dataSource.query(
      `INSERT INTO models (id, base_model_id, name, name_sort, created_at, updated_at)
                              VALUES ('sql/one', $1, 'n', 'n', 0, 0)`,
      [base],
    );
    await t.dataSource.query(
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
                              VALUES ('sql/one', 'group', $1, 'read')`,
      [g2],
    );
    expect(await expectKeptExact()).toBe(6);
    await t.dataSource.query(`UPDATE models SET id = 'sql/renamed' WHERE id = 'sql/one'`);
    expect(await expectKeptExact()).toBe(6);

    // Group deletion, owner deletion, model deletion (cascades to grants).
    expect((await request(t.server).delete(`/api/groups/${g1}`).set(bearer(admin.token))).status).toBe(200);
    await expectKeptExact();
    expect((await request(t.server).delete(`/api/users/${bob.id}`).set(bearer(admin.token))).status).toBe(200);
    await expectKeptExact();
    expect((await modelApi(t, zoe).remove('zoe/two')).status).toBe(200);
    await expectKeptExact();

    await t.dataSource.query(`TRUNCATE access_grants`);
    expect(await expectKeptExact()).toBe(0);
    await t.dataSource.query(
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
                              VALUES ('sql/renamed', 'group', $1, 'read')`,
      [g2],
    );
    expect(await expectKeptExact()).toBe(1);
    await t.dataSource.query(`TRUNCATE models CASCADE`);
    expect(await expectKeptExact()).toBe(0);
  });
});

describe('totals on private_grant_counts', () => {
  beforeAll(async () => {
    // The test above deleted a group and a person and truncated models: start again.
    await t.close();
    t = await startTestApp();
    world = await buildWorld(t);
  });

  it('equal counting readable models, for random worlds, callers and views', async () => {
    const scenario = fc.tuple(
      fc.array(modelPlan, { minLength: 10, maxLength: 40 }),
      fc.array(fc.integer({ min: 1, max: world.people.length - 1 }), { minLength: 2, maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ([plans, people]) => {
        await seed(world, plans);
        await expectKeptExact();
        for (const person of people) {
          for (const viewOption of [null, 'shared'] as const) {
            const caller = worldCaller(world, person);
            const params: ListParams = {
              query: null,
              tag: null,
              viewOption,
              orderBy: 'name',
              direction: 'asc',
              page: 1,
            };
            expect({ person, viewOption, total: await countOf(t.dataSource, listCountSql(caller, params)) }).toEqual({
              person,
              viewOption,
              total: await countOf(t.dataSource, plainCountSql(caller, params)),
            });
          }
        }
      }),
      { numRuns: Number(process.env.PRIVATE_GRANT_COUNTS_RUNS ?? 6), endOnFailure: true },
    );
  });

  it('stay exact under concurrent grants, revokes and public toggles, committed or rolled back', async () => {
    await t.dataSource.query(
      `INSERT INTO models (id, base_model_id, name, name_sort, created_at, updated_at)
       SELECT 'conc/' || i, $1, 'n', 'n', 0, 0 FROM generate_series(1, 40) i`,
      [BASES[0]],
    );
    const principals = [...world.groupIds.map((id) => ['group', id]), ...world.people.map((p) => ['user', p.id])];
    const clients = Array.from({ length: 16 }, () => new Client({ connectionString: t.config.databaseUrl }));
    await Promise.all(clients.map((client) => client.connect()));
    const reader = new Client({ connectionString: t.config.databaseUrl });
    await reader.connect();
    const errors: string[] = [];
    const until = Date.now() + 4_000;
    try {
      const write = async (client: Client) => {
        while (Date.now() < until) {
          await client.query('BEGIN');
          try {
            for (let step = 0; step < 3; step++) await randomGrantWrite(client, principals);
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
          await expectKeptExact(reader);
          checks += 1;
        }
        return checks;
      };
      const [checks] = await Promise.all([check(), ...clients.map(write)]);
      expect(checks).toBeGreaterThan(0);
    } finally {
      await Promise.all([...clients, reader].map((client) => client.end()));
    }
    // Writers never wait on the kept rows, so no deadlock and no other failure.
    expect(errors).toEqual([]);
    expect(await expectKeptExact()).toBeGreaterThan(0);
  });
});

/**
 * One grant write on a random model: grant or revoke a random principal, or make the model public
 * or private. Two writers on one model would deadlock on its row through refresh_model_access (not
 * the counts), so each locks its model first, in the order models are taken, and skips held ones.
 */
async function randomGrantWrite(client: Client, principals: string[][]): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM models WHERE id LIKE 'conc/%' ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED`,
  );
  if (rows.length === 0) return;
  const model = rows[0].id;
  const [type, id] = principals[Math.floor(Math.random() * principals.length)];
  const roll = Math.random();
  if (roll < 0.5) {
    await client.query(
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
       VALUES ($1, $2, $3, 'read') ON CONFLICT DO NOTHING`,
      [model, type, id],
    );
  } else if (roll < 0.8) {
    await client.query(`DELETE FROM access_grants WHERE model_id = $1 AND principal_type = $2 AND principal_id = $3`, [
      model,
      type,
      id,
    ]);
  } else if (roll < 0.9) {
    await client.query(
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
       VALUES ($1, 'user', '*', 'read') ON CONFLICT DO NOTHING`,
      [model],
    );
  } else {
    await client.query(`DELETE FROM access_grants WHERE model_id = $1 AND principal_id = '*'`, [model]);
  }
}
