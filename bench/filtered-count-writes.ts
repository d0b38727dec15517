/**
 * What migration PrivateModelFilters costs writes: the same statements, each in its own
 * transaction rolled back, on a database without the migration and on a migrated copy of the same
 * data, interleaved statement by statement so both see the same load; median wall time of `runs`
 * (server-side, from EXPLAIN ANALYZE's total including triggers). Writes nothing that stays.
 *
 *   npx ts-node --transpile-only bench/filtered-count-writes.ts postgres://…/before postgres://…/after [runs]
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Fixture {
  base: string;
  owner: string;
  model: string;
  user: string;
  bigGroup: string;
  bigGroupModels: number;
  outsider: string;
}

async function fixture(client: Client): Promise<Fixture> {
  const one = async (text: string): Promise<Record<string, string>> => (await client.query(text)).rows[0];
  const { base } = await one(`SELECT id AS base FROM models WHERE base_model_id IS NULL ORDER BY id LIMIT 1`);
  const { model, owner } = await one(
    `SELECT id AS model, user_id::text AS owner FROM models WHERE base_model_id IS NOT NULL AND NOT is_public AND user_id IS NOT NULL ORDER BY id LIMIT 1`,
  );
  const { user } = await one(`SELECT id::text AS user FROM users WHERE id <> '${owner}' ORDER BY id LIMIT 1`);
  const big = await one(`SELECT principal_id AS group, count(*)::int AS n FROM access_grants
     WHERE principal_type = 'group' GROUP BY principal_id ORDER BY count(*) DESC, principal_id LIMIT 1`);
  const { outsider } = await one(`SELECT u.id::text AS outsider FROM users u
     WHERE NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.user_id = u.id AND gm.group_id = '${big.group}') ORDER BY u.id LIMIT 1`);
  return { base, owner, model, user, bigGroup: big.group, bigGroupModels: Number(big.n), outsider };
}

function statements(f: Fixture): Array<[string, string]> {
  const now = 1_800_000_000;
  return [
    [
      'insert one private custom model',
      `INSERT INTO models (id, user_id, base_model_id, name, name_sort, tags, search, created_at, updated_at)
       VALUES ('bench-filt/one', '${f.owner}', '${f.base}', 'Bench One', 'bench one', '{legal,coder}', 'bench one coder', ${now}, ${now})`,
    ],
    [
      'edit one private model (tags, search)',
      `UPDATE models SET tags = '{legal,finance}', search = search || ' edited' WHERE id = '${f.model}'`,
    ],
    [
      'grant a user on one private model',
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission) VALUES ('${f.model}', 'user', '${f.user}', 'read')`,
    ],
    [
      'make one model public (user:* grant)',
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission) VALUES ('${f.model}', 'user', '*', 'read')`,
    ],
    [
      'grant a group on 1,000 private models',
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
       SELECT m.id, 'group', '${f.bigGroup}', 'read' FROM models m
        WHERE m.base_model_id IS NOT NULL AND NOT m.is_public AND NOT m.readers @> ARRAY['g:${f.bigGroup}']
        ORDER BY m.id LIMIT 1000`,
    ],
    ['delete one private model', `DELETE FROM models WHERE id = '${f.model}'`],
    [
      `add a member to the group holding the most models (${f.bigGroupModels})`,
      `INSERT INTO group_members (group_id, user_id, created_at) VALUES ('${f.bigGroup}', '${f.outsider}', ${now})`,
    ],
  ];
}

async function timed(client: Client, text: string): Promise<number> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`);
    const plan = rows[0]['QUERY PLAN'] as unknown as Array<{
      'Execution Time': number;
      Triggers?: Array<{ Time: number }>;
    }>;
    return plan[0]['Execution Time'];
  } finally {
    await client.query('ROLLBACK');
  }
}

async function main(beforeUrl: string, afterUrl: string, runs: number): Promise<void> {
  const before = new Client({ connectionString: beforeUrl });
  const after = new Client({ connectionString: afterUrl });
  await before.connect();
  await after.connect();
  const f = await fixture(after);
  const g = await fixture(before);
  if (JSON.stringify(f) !== JSON.stringify(g)) throw new Error('the two databases do not hold the same data');
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`median of ${runs}, before and after interleaved, each rolled back; load ${load}`);
  console.log('| write | before ms | after ms |');
  console.log('|---|---:|---:|');
  for (const [name, text] of statements(f)) {
    const times: Record<'before' | 'after', number[]> = { before: [], after: [] };
    for (let i = 0; i < runs; i += 1) {
      times.before.push(await timed(before, text));
      times.after.push(await timed(after, text));
    }
    console.log(`| ${name} | ${median(times.before).toFixed(2)} | ${median(times.after).toFixed(2)} |`);
  }
  console.log(`load after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  await before.end();
  await after.end();
}

main(process.argv[2], process.argv[3], Number(process.argv[4] ?? 9)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
