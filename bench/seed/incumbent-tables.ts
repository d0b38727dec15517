import type { Client } from 'pg';

/**
 * THE INCUMBENT'S TABLES: copies of models, users and access_grants in schema `incumbent`, shaped
 * as Open WebUI keeps them (no derived tags, search, name_sort or is_public columns) and with only
 * what Open WebUI indexes: primary keys and a grants-by-principal index. `npm run bench` runs
 * Open WebUI's list query on them (bench/run/incumbent.ts). Built by the seed, after the load,
 * so a run on a million models does not copy them again.
 */
const TABLES: string[][] = [
  [
    `CREATE TABLE incumbent.model AS SELECT id, user_id, base_model_id, name, params, meta, is_active,
       created_at, updated_at FROM public.models`,
    'ALTER TABLE incumbent.model ADD PRIMARY KEY (id)',
    'VACUUM (ANALYZE) incumbent.model',
  ],
  [
    `CREATE TABLE incumbent."user" AS SELECT id, name, email, username, role, created_at, updated_at FROM public.users`,
    'ALTER TABLE incumbent."user" ADD PRIMARY KEY (id)',
    'VACUUM (ANALYZE) incumbent."user"',
  ],
  [
    `CREATE TABLE incumbent.access_grant AS SELECT model_id AS resource_id, principal_type, principal_id, permission
       FROM public.access_grants`,
    'ALTER TABLE incumbent.access_grant ADD PRIMARY KEY (resource_id, principal_type, principal_id)',
    'CREATE INDEX access_grant_principal_idx ON incumbent.access_grant (principal_type, principal_id)',
    'VACUUM (ANALYZE) incumbent.access_grant',
  ],
];

/** (Re)creates schema incumbent from the public tables, one table per connection at a time. */
export async function createIncumbentTables(clients: readonly Client[]): Promise<void> {
  await clients[0].query('DROP SCHEMA IF EXISTS incumbent CASCADE');
  await clients[0].query('CREATE SCHEMA incumbent');
  let next = 0;
  const worker = async (client: Client): Promise<void> => {
    while (next < TABLES.length) for (const statement of TABLES[next++]) await client.query(statement);
  };
  await Promise.all(clients.map(worker));
}

/** Whether schema incumbent holds a copy of the current tables (same row counts). */
export async function incumbentTablesCurrent(client: Client): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(`
    SELECT to_regclass('incumbent.model') IS NOT NULL AND to_regclass('incumbent."user"') IS NOT NULL
       AND to_regclass('incumbent.access_grant') IS NOT NULL AS present`);
  if (!rows[0].present) return false;
  const counts = await client.query<{ same: boolean }>(`
    SELECT (SELECT count(*) FROM incumbent.model) = (SELECT count(*) FROM public.models)
       AND (SELECT count(*) FROM incumbent.access_grant) = (SELECT count(*) FROM public.access_grants)
       AND (SELECT count(*) FROM incumbent."user") = (SELECT count(*) FROM public.users) AS same`);
  return counts.rows[0].same;
}
