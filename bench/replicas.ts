import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startScratchPostgres } from '../test/support/scratch-postgres';
import { startReplica } from '../test/support/replicated-postgres';
import { databaseUrl } from '../test/support/test-database';
import { drive, LoadResult } from './run/load';
import { makeScenarios, requestHeaders, Scenario, selectScenarios, type Fixtures } from './run/scenarios';
import { buildService, signInAll, startService } from './run/service';
import type { ServerProcess } from './run/server-process';

/**
 * npm run bench:replicas: the list scenarios against one instance, two instances on the primary,
 * and two instances with one streaming replica, all on this machine (bench/README.md).
 */
const RESULTS = join(__dirname, 'results');
const DEFAULT_ONLY = ['admin-page1', 'user-page1', 'user-query-rare', 'user-tag', 'user-shared'];
const log = (line: string): void => console.log(line);

interface Mode {
  name: string;
  instances: number;
  replica: boolean;
}

const MODES: Mode[] = [
  { name: 'one instance', instances: 1, replica: false },
  { name: 'two instances, primary only', instances: 2, replica: false },
  { name: 'two instances + one replica', instances: 2, replica: true },
];

interface Row {
  mode: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  cpuBusy: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: '100000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16' },
      only: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  return {
    models: values.models,
    duration: Number(values.duration),
    connections: Number(values.connections),
    only: values.only ? values.only.split(',') : DEFAULT_ONLY,
    build: !values['no-build'],
  };
}

/** Busy share of the whole machine (all cores) between two readings of /proc/stat. */
function machineCpu(): () => number {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + fields[4];
    return { idle, total: fields.reduce((sum, value) => sum + value, 0) };
  };
  const start = read();
  return () => {
    const end = read();
    return 1 - (end.idle - start.idle) / (end.total - start.total);
  };
}

/** Drives every instance at once, the connections shared out; rps added up, latencies the worst. */
async function driveAll(
  services: ServerProcess[],
  path: string,
  headers: Record<string, string>,
  o: ReturnType<typeof options>,
) {
  const cpu = machineCpu();
  const share = Math.max(1, Math.round(o.connections / services.length));
  const results: LoadResult[] = await Promise.all(
    services.map((service) => drive({ url: service.baseUrl + path, headers, pid: service.pid }, share, o.duration)),
  );
  return {
    rps: results.reduce((sum, result) => sum + result.rps, 0),
    p50: Math.max(...results.map((result) => result.p50)),
    p99: Math.max(...results.map((result) => result.p99)),
    failures: results.reduce((sum, result) => sum + result.failures, 0),
    cpuBusy: cpu(),
  };
}

async function runMode(mode: Mode, url: string, replicaUrl: string, fixtures: Fixtures, o: ReturnType<typeof options>) {
  if (mode.replica) process.env.DATABASE_READ_URLS = replicaUrl;
  else delete process.env.DATABASE_READ_URLS;
  // Measure the database work, not the answer cache (identical requests would all be cache hits).
  process.env.ANSWER_CACHE_MB = '0';
  const services = await Promise.all(Array.from({ length: mode.instances }, () => startService(url)));
  const rows: Row[] = [];
  try {
    const credentials = await signInAll(services[0].baseUrl, fixtures);
    const scenarios: Scenario[] = selectScenarios(makeScenarios(fixtures, 'unused'), o.only).filter((s) => s.list);
    for (const scenario of scenarios) {
      const result = await driveAll(services, scenario.path, requestHeaders(scenario, credentials), o);
      rows.push({ mode: mode.name, scenario: scenario.name, ...result });
      log(
        `  ${mode.name} / ${scenario.name}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms, CPU ${(result.cpuBusy * 100).toFixed(0)} %`,
      );
    }
  } finally {
    await Promise.all(services.map((service) => service.stop()));
  }
  return rows;
}

function report(rows: Row[], o: ReturnType<typeof options>): string {
  const lines = [
    `# Several instances: ${new Date().toISOString()}`,
    '',
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average before ${loadavg()[0].toFixed(1)}; ` +
      `${o.models} models; ${o.connections} connections shared out over the instances, ${o.duration} s per scenario; ` +
      'ANSWER_CACHE_MB=0; primary and replica are embedded PostgreSQL 17 (fsync off) on this same machine.',
    '',
    '| mode | scenario | req/s | p50 ms | p99 ms | failures | machine CPU busy |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.mode} | ${row.scenario} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${row.failures} | ${(row.cpuBusy * 100).toFixed(0)} % |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const o = options();
  if (o.build) buildService();
  const primary = await startScratchPostgres();
  const url = databaseUrl(primary.url, 'registry_bench_replicas');
  try {
    const seeded = spawnSync('npm', ['run', 'bench:seed', '--', '--database-url', url, '--models', o.models], {
      stdio: 'inherit',
    });
    if (seeded.status !== 0) throw new Error('bench:seed failed');
    const fixtures = JSON.parse(readFileSync(join(RESULTS, 'seed-bench.json'), 'utf8')) as Fixtures;
    log('making the replica (base backup of the seeded primary)');
    const standby = await startReplica(primary);
    try {
      await standby.caughtUp();
      const rows: Row[] = [];
      for (const mode of MODES) {
        rows.push(
          ...(await runMode(mode, url, databaseUrl(standby.replica.url, 'registry_bench_replicas'), fixtures, o)),
        );
      }
      const text = report(rows, o);
      writeFileSync(join(RESULTS, 'replicas.md'), text);
      log(text);
    } finally {
      await standby.destroy();
    }
  } finally {
    await primary.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
