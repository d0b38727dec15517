import { readFileSync, rmSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { timedGet } from './run/latency';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { CapturedRequest, captureRequests, ReplayedStatement } from './run/capture';
import { readFixtures } from './run/fixtures';
import { startFloor } from './run/floor';
import { readMemory } from './run/memory';
import { percentile } from './run/sql-timing';
import { Credentials, makeScenarios, requestHeaders, selectScenarios } from './run/scenarios';
import { anthropicAfterId, poolSize, signInAll, startFlags, startService } from './run/service';
import type { ServerProcess } from './run/server-process';
import type { TailProbeDump } from './run/tail-probe';

/*
 * Where the single-connection tail comes from (issue 12: p99 ≤ 25 ms at 100,000 models).
 *
 *   npx ts-node --transpile-only bench/tail.ts --database-url …/registry_bench_company \
 *     [--seconds 6] [--rounds 3] [--only user-page1,key-openai] [--node-args "…"] [--session "-c jit=off"] [--no-probe]
 *
 * For each scenario, in interleaved rounds of `--seconds` each, requests one at a time on one kept-alive
 * connection to: the service (npm start's flags, answer cache off, bench/run/tail-probe.ts preloaded),
 * the floor (bench/run/floor-server.ts: the same statements through bare pg + node:http), and the same
 * statements straight from node-postgres in this process (no HTTP: what PostgreSQL and the driver give).
 * `--session` adds PostgreSQL options to that direct pool's sessions, with a second direct column
 * without them, for an on/off comparison of a setting. The probe reports, per request on the service's
 * own clock, the time in `pg` queries, the GC pauses and the process CPU time, so the slowest 1 % can be
 * compared with the median requests: SQL, GC, or the service's own work. No build: run `npm run build`.
 */

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? '' },
    seconds: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
    'node-args': { type: 'string', default: '' },
    session: { type: 'string', default: '' },
    'no-probe': { type: 'boolean', default: false },
  },
});
const url = args['database-url'];
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const only = args.only.split(',').filter((word) => word !== '');
const nodeArgs = args['node-args'].split(' ').filter((word) => word !== '');
const probe = !args['no-probe'];
const log = (line: string): void => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests one at a time for `ms` after a 300 ms warm-up; the latency of each. */
async function httpTimes(target: string, headers: Record<string, string>, ms: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const warm = performance.now() + 300;
    while (performance.now() < warm) await timedGet(agent, target, headers);
    const times: number[] = [];
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) times.push(await timedGet(agent, target, headers));
    return times;
  } finally {
    agent.destroy();
  }
}

/** The captured statements replayed as the floor does (steps in order, a step's statements in parallel). */
async function sqlTimes(pool: Pool, steps: ReplayedStatement[][], ms: number): Promise<number[]> {
  const replay = async () => {
    const started = performance.now();
    for (const step of steps) await Promise.all(step.map((s) => pool.query(s)));
    return performance.now() - started;
  };
  const warm = performance.now() + 300;
  while (performance.now() < warm) await replay();
  const times: number[] = [];
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) times.push(await replay());
  return times;
}

function readDump(service: ServerProcess, file: string): Promise<TailProbeDump> {
  rmSync(file, { force: true });
  process.kill(service.pid, 'SIGUSR2');
  return (async () => {
    for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(20);
    await sleep(50);
    return JSON.parse(readFileSync(file, 'utf8')) as TailProbeDump;
  })();
}

interface Breakdown {
  wall: number;
  sql: number;
  gc: number;
  cpu: number;
}

/** Per request of the service: wall time, time with a pg query in flight, GC pauses inside, process CPU. */
function breakdown(dump: TailProbeDump): Breakdown[] {
  return dump.requests.map(([start, end, cpu]) => {
    const spans = dump.queries
      .filter(([s, e]) => e > start && s < end)
      .map(([s, e]) => [Math.max(s, start), Math.min(e, end)] as [number, number])
      .sort((a, b) => a[0] - b[0]);
    let sql = 0;
    let reached = start;
    for (const [s, e] of spans) {
      const from = Math.max(s, reached);
      if (e > from) sql += e - from;
      reached = Math.max(reached, e);
    }
    const gc = dump.gc
      .filter(([s, d]) => s + d > start && s < end)
      .reduce((sum, [s, d]) => sum + Math.min(s + d, end) - Math.max(s, start), 0);
    return { wall: end - start, sql, gc, cpu };
  });
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const f1 = (value: number) => value.toFixed(1);

function describeTimes(times: number[]): string {
  const over = times.filter((t) => t > 25).length;
  return (
    `p50 ${f1(percentile(times, 50))} p90 ${f1(percentile(times, 90))} p99 ${f1(percentile(times, 99))} ` +
    `max ${f1(Math.max(...times))} (${times.length}; > 25 ms ${((over / times.length) * 100).toFixed(1)} %)`
  );
}

/** The median requests (45th–55th percentile of wall time) against the slowest 1 %. */
function describeBreakdown(rows: Breakdown[]): string {
  const sorted = [...rows].sort((a, b) => a.wall - b.wall);
  const band = (from: number, to: number) =>
    sorted.slice(Math.floor(sorted.length * from), Math.ceil(sorted.length * to));
  const part = (label: string, group: Breakdown[]) => {
    const gcHit = group.filter((row) => row.gc >= 1).length;
    return (
      `${label} wall ${f1(mean(group.map((r) => r.wall)))} = SQL ${f1(mean(group.map((r) => r.sql)))} + ` +
      `node ${f1(mean(group.map((r) => r.wall - r.sql)))} (GC ${f1(mean(group.map((r) => r.gc)))}, ` +
      `${gcHit}/${group.length} with ≥ 1 ms GC; CPU ${f1(mean(group.map((r) => r.cpu)))})`
    );
  };
  return `${part('median', band(0.45, 0.55))}; ${part('slowest 1 %', band(0.99, 1))}`;
}

async function capture(fixtures: Awaited<ReturnType<typeof readFixtures>>) {
  const file = join(tmpdir(), `registry-tail-capture-${process.pid}.jsonl`);
  rmSync(file, { force: true });
  const service = await startService(url, nodeArgs, file);
  try {
    const credentials = await signInAll(service.baseUrl, fixtures);
    const afterId = await anthropicAfterId(service.baseUrl, credentials);
    const scenarios = selectScenarios(makeScenarios(fixtures, afterId), only);
    const captured = await captureRequests(service.baseUrl, file, scenarios, credentials);
    return { scenarios, credentials, requests: new Map(captured.map((r) => [r.scenario, r])) };
  } finally {
    await service.stop();
    rmSync(file, { force: true });
  }
}

interface Cell {
  service: number[];
  floor: number[];
  direct: number[];
  session: number[];
  rows: Breakdown[];
  gcPauses: number[];
}

async function main(): Promise<void> {
  if (!url) throw new Error('--database-url is required');
  log(
    `load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')}; node flags ${[...startFlags(), ...nodeArgs].join(' ')}`,
  );
  const fixtures = await readFixtures(url);
  const prepared = await capture(fixtures);
  const probeFile = join(tmpdir(), `registry-tail-probe-${process.pid}.json`);
  const probeArgs = probe
    ? ['-r', 'ts-node/register/transpile-only', '-r', join(__dirname, 'run', 'tail-probe.ts')]
    : [];
  process.env.BENCH_TAIL_FILE = probeFile;
  const service = await startService(url, [...nodeArgs, ...probeArgs]);
  const floor = await startFloor(url, [...prepared.requests.values()]);
  const pool = new Pool({ connectionString: url, max: poolSize() });
  const sessionPool = args.session ? new Pool({ connectionString: url, max: poolSize(), options: args.session }) : null;
  const cells = new Map<string, Cell>();
  const credentials: Credentials = prepared.credentials;
  try {
    for (let round = 0; round < rounds; round++) {
      const loads: number[] = [];
      for (const scenario of prepared.scenarios) {
        const cell = cells.get(scenario.name) ?? {
          service: [],
          floor: [],
          direct: [],
          session: [],
          rows: [],
          gcPauses: [],
        };
        cells.set(scenario.name, cell);
        const captured: CapturedRequest = prepared.requests.get(scenario.name)!;
        const headers = requestHeaders(scenario, credentials);
        if (probe) await readDump(service, probeFile);
        const times = await httpTimes(service.baseUrl + scenario.path, headers, seconds * 1000);
        cell.service.push(...times);
        if (probe) {
          const dump = await readDump(service, probeFile);
          // The warm-up's requests are in the dump too: keep the last as many as were timed.
          cell.rows.push(...breakdown(dump).slice(-times.length));
          cell.gcPauses.push(...dump.gc.map(([, duration]) => duration));
        }
        cell.floor.push(...(await httpTimes(`${floor.baseUrl}/${scenario.name}`, {}, seconds * 1000)));
        cell.direct.push(...(await sqlTimes(pool, captured.steps, seconds * 1000)));
        if (sessionPool) cell.session.push(...(await sqlTimes(sessionPool, captured.steps, seconds * 1000)));
        loads.push(loadavg()[0]);
      }
      log(`round ${round + 1}/${rounds} done, load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
    }
    for (const [name, cell] of cells) {
      log(`\n${name}`);
      log(`  service  ${describeTimes(cell.service)}`);
      log(`  floor    ${describeTimes(cell.floor)}`);
      log(`  pg       ${describeTimes(cell.direct)}`);
      if (sessionPool) log(`  pg ${args.session}: ${describeTimes(cell.session)}`);
      if (probe && cell.rows.length) {
        log(`  service-side: ${describeBreakdown(cell.rows)}`);
        const long = cell.gcPauses.filter((ms) => ms >= 2);
        log(
          `  GC: ${cell.gcPauses.length} pauses, ${f1(cell.gcPauses.reduce((a, b) => a + b, 0) / cell.service.length)} ms/request, ` +
            `longest ${f1(Math.max(0, ...cell.gcPauses))}, ≥ 2 ms: ${long.length}`,
        );
      }
    }
    log(`\nservice VmHWM ${f1(readMemory(service.pid)?.hwm ?? NaN)} MB (with the probe preloaded: ts-node adds to it)`);
    log(
      `load average ${loadavg()
        .map((v) => v.toFixed(2))
        .join(', ')}`,
    );
  } finally {
    await pool.end();
    await sessionPool?.end();
    await Promise.all([service.stop(), floor.stop()]);
    rmSync(probeFile, { force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
