import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { CapturedStatement } from './run/pg-capture';
import { call, importModels, setUp } from './run/import-world';
import { startService } from './run/service';
import { displayUrl, migrate, recreateDatabase } from './seed/database';

/**
 * Where one import request spends its time (issue 12, item 4; README "Import"): the service is
 * started with every statement captured (pg-capture.ts), requests of `--batch` models (3 grants
 * each, as bench:import) are sent one after the other, and for each request this prints its wall
 * time, the CPU time of the service's process and of the database's backends (/proc, 100 Hz
 * ticks), the WAL it wrote and the time each statement of it took as the service saw it. The
 * first `--warm` requests are the warm-up and are not summed. It DROPS and recreates the database
 * it is given (a name with `bench`).
 */
const TICK_MS = 10;

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

interface Sample {
  wall: number;
  node: number;
  pg: number;
  walBytes: number;
  statements: Map<string, number>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/registry_bench_imp_profile' },
      batch: { type: 'string', default: '1000' },
      requests: { type: 'string', default: '8' },
      warm: { type: 'string', default: '2' },
      root: { type: 'string' },
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for the service
      'node-args': { type: 'string', default: '' },
    },
  });
  const url = values['database-url'];
  const batch = Number(values.batch);
  const requests = Number(values.requests);
  const warm = Number(values.warm);
  const root = values.root ?? join(__dirname, '..');
  console.log(
    `load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')}; ${displayUrl(url)}; ${root}`,
  );
  await recreateDatabase(url, false);
  await migrate(url);
  const capture = join('/tmp', `import-profile-${process.pid}.jsonl`);
  rmSync(capture, { force: true });
  const nodeArgs = values['node-args'].split(' ').filter((arg) => arg !== '');
  const service = await startService(url, nodeArgs, capture, root);
  const db = new Client({ connectionString: url });
  await db.connect();
  const backends = async () =>
    (
      await db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      )
    ).rows.map((r) => r.pid);
  const pgCpu = async () => (await backends()).reduce((sum, pid) => sum + cpuMs(pid), 0);
  const wal = async () =>
    Number((await db.query<{ b: string }>(`SELECT wal_bytes::text AS b FROM pg_stat_wal`)).rows[0].b);
  const samples: Sample[] = [];
  try {
    const { token, users, groups } = await setUp(service.baseUrl);
    for (let r = 0; r < requests; r += 1) {
      const body = { models: importModels(r, batch, 3, users, groups) };
      const lines = readFileSync(capture, 'utf8').split('\n').length;
      const [node0, pg0, wal0] = [cpuMs(service.pid), await pgCpu(), await wal()];
      const started = performance.now();
      await call(service.baseUrl, '/api/models/import', token, body);
      const wall = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [node1, pg1, wal1] = [cpuMs(service.pid), await pgCpu(), await wal()];
      const statements = new Map<string, number>();
      for (const line of readFileSync(capture, 'utf8')
        .split('\n')
        .slice(lines - 1)) {
        if (!line) continue;
        const s = JSON.parse(line) as CapturedStatement;
        const key = s.text.replace(/\s+/g, ' ').slice(0, 60);
        statements.set(key, (statements.get(key) ?? 0) + s.end - s.start);
      }
      samples.push({ wall, node: node1 - node0, pg: pg1 - pg0, walBytes: wal1 - wal0, statements });
      console.log(
        `request ${r}: ${batch} models ${wall.toFixed(0)} ms = ${((batch / wall) * 1000).toFixed(0)}/s; CPU node ${node1 - node0} ms, PG ${pg1 - pg0} ms; WAL ${((wal1 - wal0) / 1e6).toFixed(1)} MB`,
      );
    }
  } finally {
    await db.end();
    await service.stop();
  }
  const measured = samples.slice(warm);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nmedians over ${measured.length} requests of ${batch} models (load ${loadavg()[0].toFixed(2)}):`);
  console.log(
    `wall ${median(measured.map((s) => s.wall)).toFixed(0)} ms, CPU node ${median(measured.map((s) => s.node))} ms, PG ${median(measured.map((s) => s.pg))} ms, WAL ${(median(measured.map((s) => s.walBytes)) / 1e6).toFixed(1)} MB`,
  );
  const keys = [...measured[0].statements.keys()];
  for (const key of keys)
    console.log(
      `  ${median(measured.map((s) => s.statements.get(key) ?? 0))
        .toFixed(1)
        .padStart(8)} ms  ${key}`,
    );
  console.log(`statements kept in ${capture}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
