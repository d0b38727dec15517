import { Client } from 'pg';
import { accessRefreshWrites } from '../bench/seed/access-check';
import { connect, loadAll } from '../bench/seed/load';
import { Loader } from '../bench/seed/loader';
import { parseOptions } from '../bench/seed/options';
import { makePlan } from '../bench/seed/plan';
import { createTestDatabase } from './support/test-database';

/**
 * The seed writes every model's readers/writers/is_public and every grant's private_custom/
 * groups_before itself (bench/seed/access.ts) instead of letting refresh_model_access rewrite the
 * tables after the load. These must be exactly what the service's rule stores: here a small
 * profile is seeded, then the columns are cleared and recomputed by refresh_model_access itself
 * (its triggers keeping private_models and private_grant_counts), and everything must match.
 */
const SMALL = ['--models', '400', '--base-models', '6', '--users', '60', '--groups', '12'];
const FLAGS = [...SMALL, '--group-grants', '700', '--user-grants', '500', '--public', '0.2', '--key-models', '20'];

const MODEL_ACCESS = `SELECT id, readers, writers, is_public FROM models ORDER BY id`;
const GRANT_ACCESS = `SELECT model_id, principal_type, principal_id, private_custom, groups_before
                        FROM access_grants ORDER BY model_id, principal_type, principal_id`;
const GRANT_COUNTS = `SELECT principal_type, principal_id, groups_before, sum(n)::int AS n FROM private_grant_counts
                       GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3`;
const PRIVATE_COPIES = `SELECT id, readers FROM private_models ORDER BY id`;

async function snapshot(client: Client) {
  const read = async (sql: string): Promise<unknown[]> => (await client.query(sql)).rows;
  return {
    models: await read(MODEL_ACCESS),
    grants: await read(GRANT_ACCESS),
    counts: await read(GRANT_COUNTS),
    copies: await read(PRIVATE_COPIES),
  };
}

describe('bench seed: access columns', () => {
  let database: { url: string; drop: () => Promise<void> };
  let clients: Client[];

  beforeAll(async () => {
    database = await createTestDatabase();
    clients = await connect(database.url, 2);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await database.drop();
  });

  it('stores exactly what refresh_model_access computes', async () => {
    const options = parseOptions([...FLAGS, '--database-url', database.url]);
    if (!options) throw new Error('options');
    const plan = makePlan(options);
    await loadAll(clients[0], new Loader(clients, 97, () => undefined), plan, options, () => undefined);
    const [client] = clients;

    expect(await accessRefreshWrites(client)).toEqual({ models: 0, access_grants: 0 });
    const seeded = await snapshot(client);
    // Worth checking: public and private models, writers, grants with groups before them.
    expect(seeded.models.some((row) => (row as { writers: string[] }).writers.length > 0)).toBe(true);
    expect(seeded.grants.some((row) => (row as { groups_before: string[] }).groups_before.length > 1)).toBe(true);
    expect(seeded.counts.length).toBeGreaterThan(0);

    await client.query('BEGIN');
    try {
      await client.query(`UPDATE models SET readers = '{}', writers = '{}', is_public = false`);
      await client.query(`UPDATE access_grants SET private_custom = false, groups_before = '{}'`);
      expect((await client.query(GRANT_COUNTS)).rows).toEqual([]);
      await client.query('SELECT refresh_model_access(ARRAY(SELECT id FROM models))');
      expect(await snapshot(client)).toEqual(seeded);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
