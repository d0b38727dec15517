import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import type { CapturedStatement } from './run/pg-capture';

/**
 * PostgreSQL's own CPU for one import chunk, statement by statement (issue 12, item 4; bench/README.md
 * "Import"): takes the last chunk transaction of a capture that bench/import-profile.ts left (its
 * database is left migrated and filled), and replays it `--rounds` times, each in a transaction that
 * is rolled back, with the models' ids renamed so every round creates them afresh. Each statement's
 * CPU is the backend's /proc/<pid>/schedstat (PostgreSQL must run on this machine). With `--variant
 * file.sql` (repeatable) each round also runs the chunk after that SQL, inside the same rolled-back
 * transaction (e.g. `CREATE OR REPLACE FUNCTION …`), alternating with the unchanged database, so two
 * trigger designs compare in the same minutes on the same data. `--explain` prints EXPLAIN ANALYZE
 * of the writes (trigger times included) once per variant instead.
 */
function schedNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

function lastChunk(capture: string): CapturedStatement[] {
  const lines = readFileSync(capture, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CapturedStatement);
  const end = lines.map((s) => s.text).lastIndexOf('COMMIT');
  const start = lines.map((s) => s.text).lastIndexOf('START TRANSACTION', end);
  const chunk = lines.slice(start + 1, end);
  if (!chunk.some((s) => s.text.startsWith('INSERT INTO models'))) throw new Error('the last transaction is no import');
  return chunk;
}

/** Every string of the chunk with `import-<run>/` renamed `replay-<round>/`. */
function renamed(value: unknown, round: string): unknown {
  if (typeof value === 'string') return value.replace(/import-\d+\//g, `replay-${round}/`);
  if (Array.isArray(value)) return value.map((v) => renamed(v, round));
  return value;
}

const label = (text: string) => text.replace(/\s+/g, ' ').slice(0, 50);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/registry_bench_imp_profile' },
      capture: { type: 'string' },
      rounds: { type: 'string', default: '7' },
      variant: { type: 'string', multiple: true, default: [] },
      explain: { type: 'boolean', default: false },
    },
  });
  if (!values.capture) throw new Error('--capture <file> (printed by bench/import-profile.ts) is required');
  const chunk = lastChunk(values.capture);
  const variants = [
    { name: 'as migrated', sql: '' },
    ...values.variant.map((file) => ({ name: file, sql: readFileSync(file, 'utf8') })),
  ];
  const db = new Client({ connectionString: values['database-url'] });
  await db.connect();
  const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  console.log(
    `load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')}; ${chunk.length} statements a chunk`,
  );
  const cpu = variants.map(() => new Map<string, number[]>());
  try {
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const [v, variant] of variants.entries()) {
        await db.query('BEGIN');
        if (variant.sql) await db.query(variant.sql);
        let total = 0;
        for (const s of chunk) {
          const params = renamed(s.values, `${round}-${v}`) as unknown[];
          const write = /^(INSERT|UPDATE|DELETE|WITH)/.test(s.text);
          if (values.explain && write && round === 0) {
            const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, params);
            console.log(`-- ${variant.name}: ${label(s.text)}`);
            for (const row of plan.rows)
              if (/Trigger|Execution|Planning Time/.test(row['QUERY PLAN'])) console.log(row['QUERY PLAN']);
            continue;
          }
          const before = schedNs(pid);
          await db.query(s.text, params);
          const ms = (schedNs(pid) - before) / 1e6;
          total += ms;
          const key = label(s.text);
          cpu[v].set(key, [...(cpu[v].get(key) ?? []), ms]);
        }
        cpu[v].set('total', [...(cpu[v].get('total') ?? []), total]);
        await db.query('ROLLBACK');
      }
    }
  } finally {
    await db.end();
  }
  if (values.explain) return;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`PostgreSQL CPU ms per chunk, median of ${values.rounds} (load ${loadavg()[0].toFixed(2)}):`);
  for (const [v, variant] of variants.entries()) {
    console.log(`${variant.name}:`);
    for (const [key, xs] of cpu[v])
      console.log(`  ${median(xs).toFixed(1).padStart(8)}  [${xs.map((x) => x.toFixed(0)).join(' ')}]  ${key}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
