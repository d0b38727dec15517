/**
 * PostgreSQL CPU of `/v1/models` for the seeded 500-model API key, statement variants side by side
 * (issue 12): each variant on its own connection, interleaved round by round, the backend's CPU per
 * execution from /proc/<pid>/schedstat (PostgreSQL must run on this machine), median over the rounds;
 * the wall time alike; the bytes each answers (the variants must agree where they claim to).
 * Read-only.
 *
 *   npx ts-node --transpile-only bench/key-statement.ts postgres://postgres@127.0.0.1:5432/registry_bench_company [rounds] [variant,...]
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import type { Caller } from '../src/access/caller';
import { Sql, sql, toStatement } from '../src/common/sql';
import { openAiListJsonSql, openAiModelsSql, openAiVersionsSql } from '../src/gateway/openai.format';
import { listableSql } from '../src/models/model-read.sql';
import { readFixtures } from './run/fixtures';

const EXECUTIONS = 10;
const backendCpuNs = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function keyCaller(client: Client, key: string): Promise<Caller> {
  const hash = createHash('sha256').update(key).digest('hex');
  const { rows } = await client.query<{ user_id: string; group_id: string | null; models: string[] }>(
    'SELECT user_id::text, group_id::text, models FROM api_keys WHERE key_hash = $1',
    [hash],
  );
  if (rows.length !== 1) throw new Error('the seeded API key is not in the database');
  const groups = await client.query<{ group_id: string }>(
    'SELECT gm.group_id::text FROM group_members gm WHERE gm.user_id = $1 ORDER BY gm.group_id',
    [rows[0].user_id],
  );
  return {
    userId: rows[0].user_id,
    name: 'key user',
    via: 'key',
    groupIds: groups.rows.map((row) => row.group_id),
    isAdmin: false,
    bypass: false,
    keyGroupId: rows[0].group_id,
    keyModels: rows[0].models,
    readOnly: true,
  };
}

type Variant = (caller: Caller) => Sql;

const VARIANTS: Record<string, Variant> = {
  // The whole list's JSON in pieces (the statement before per-model JSON was kept, and still that of long lists).
  whole: (caller) => openAiListJsonSql(listableSql(caller, { order: 'id' })),
  // Finding the rows alone.
  rows: (caller) => sql`SELECT count(*)::text FROM (${listableSql(caller, { order: 'id' })}) s`,
  // What a request whose models' JSON is all kept sends: ids and row versions.
  versions: (caller) => openAiVersionsSql(listableSql(caller, { order: 'id' })),
  // What a request with nothing kept sends after it: every model's JSON, one row each.
  models: (caller) => openAiModelsSql(listableSql(caller, { order: 'id', ids: caller.keyModels ?? [] })),
};

async function main(): Promise<void> {
  const [url, roundsArg, only] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 9);
  const fixtures = await readFixtures(url);
  const setup = new Client({ connectionString: url });
  await setup.connect();
  const caller = await keyCaller(setup, fixtures.api_key.key);
  await setup.end();
  const names = only ? only.split(',') : Object.keys(VARIANTS);
  const sides = await Promise.all(
    names.map(async (name) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const { text, values } = toStatement(VARIANTS[name](caller));
      const first = await client.query({ text, values, rowMode: 'array' });
      const bytes = first.rows.reduce((sum: number, row: unknown[]) => sum + String(row[0]).length, 0);
      return {
        name,
        client,
        pid: rows[0].pid,
        text,
        values,
        bytes,
        rows: first.rows.length,
        cpu: [] as number[],
        wall: [] as number[],
      };
    }),
  );
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${caller.keyModels?.length} ids, ${caller.groupIds.length} groups`,
  );
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const cpu0 = backendCpuNs(side.pid);
      const t0 = performance.now();
      for (let i = 0; i < EXECUTIONS; i += 1)
        await side.client.query({ text: side.text, values: side.values, rowMode: 'array' });
      side.wall.push((performance.now() - t0) / EXECUTIONS);
      side.cpu.push((backendCpuNs(side.pid) - cpu0) / 1e6 / EXECUTIONS);
    }
  }
  for (const side of sides) {
    console.log(
      `${side.name.padEnd(16)} PG CPU ${median(side.cpu).toFixed(2)} ms (${Math.min(...side.cpu).toFixed(2)}–${Math.max(...side.cpu).toFixed(2)}), wall ${median(side.wall).toFixed(2)} ms, ${side.rows} rows, ${side.bytes} chars`,
    );
    await side.client.end();
  }
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

if (require.main === module) void main();
