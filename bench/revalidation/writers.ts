import { Client } from 'pg';

/*
 * npm run bench:writers -- --database-url postgres://…/registry_bench [--seconds 5] [--connections 16]
 *
 * What the change-tracking triggers cost concurrent writers: `connections` clients each update
 * their own models (two statements a transaction, as an edit with its grants does) for `seconds`,
 * with the triggers off, with every writer bumping one counter row, and as shipped (the scopes of
 * the change, in the rows of the writer's backend among 16; migration ScopedChangeTracking).
 * Runs on a seeded bench database; puts the function back at the end.
 */
const SHIPPED = `INSERT INTO change_counters (scope, slot, version)
  SELECT s, pg_backend_pid() % 16, 1 FROM (SELECT DISTINCT unnest(scopes || 'admin'::text) AS s) d ORDER BY s
  ON CONFLICT (scope, slot) DO UPDATE SET version = change_counters.version + 1`;
const ONE_ROW = `INSERT INTO change_counters (scope, slot, version) VALUES ('admin', 0, 1)
  ON CONFLICT (scope, slot) DO UPDATE SET version = change_counters.version + 1`;
const TRIGGERS = [
  'models_inserts',
  'models_updates',
  'models_deletes',
  'access_grants_inserts',
  'access_grants_updates',
  'access_grants_deletes',
];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function setBump(admin: Client, body: string): Promise<void> {
  await admin.query(
    `CREATE OR REPLACE FUNCTION bump_change_scopes(scopes text[]) RETURNS void LANGUAGE sql AS $$ ${body} $$`,
  );
}

async function setTriggers(admin: Client, enabled: boolean): Promise<void> {
  for (const trigger of TRIGGERS) {
    const table = trigger.replace(/_(inserts|updates|deletes)$/, '');
    await admin.query(`ALTER TABLE ${table} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${trigger}`);
  }
}

async function writer(url: string, ids: string[], until: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let done = 0;
  try {
    while (Date.now() < until) {
      const id = ids[done % ids.length];
      await client.query('BEGIN');
      await client.query(`UPDATE models SET updated_at = updated_at + 1 WHERE id = $1`, [id]);
      await client.query(`UPDATE access_grants SET permission = permission WHERE model_id = $1`, [id]);
      await client.query('COMMIT');
      done += 1;
    }
  } finally {
    await client.end();
  }
  return done;
}

async function run(url: string, ids: string[][], seconds: number): Promise<number> {
  const until = Date.now() + seconds * 1000;
  const counts = await Promise.all(ids.map((mine) => writer(url, mine, until)));
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

async function main(): Promise<void> {
  const url = option('database-url', process.env.BENCH_DATABASE_URL ?? '');
  const seconds = Number(option('seconds', '5'));
  const connections = Number(option('connections', '16'));
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    const rows = await admin.query<{ id: string }>(
      `SELECT id FROM models WHERE base_model_id IS NOT NULL ORDER BY id LIMIT ${connections * 50}`,
    );
    const ids = Array.from({ length: connections }, (_, c) =>
      rows.rows.filter((_, i) => i % connections === c).map((r) => r.id),
    );
    const results: Array<[string, number]> = [];
    await setTriggers(admin, false);
    results.push(['triggers off', await run(url, ids, seconds)]);
    await setTriggers(admin, true);
    await setBump(admin, ONE_ROW);
    results.push(['one counter row', await run(url, ids, seconds)]);
    await setBump(admin, SHIPPED);
    results.push(['scopes of the change, 16 rows each by backend (shipped)', await run(url, ids, seconds)]);
    for (const [what, tps] of results)
      console.log(`${what}: ${tps.toFixed(0)} transactions/s at ${connections} connections`);
  } finally {
    await setTriggers(admin, true);
    await setBump(admin, SHIPPED);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
