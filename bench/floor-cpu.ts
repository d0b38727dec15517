import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CapturedRequest, captureRequests } from './run/capture';
import { backendCpuNs, median, processTicks } from './run/cpu';
import { startFloor } from './run/floor';
import { requestHeaders } from './run/scenarios';
import { signedInScenarios, startService } from './run/service';
import type { ServerProcess } from './run/server-process';

/*
 * npm run bench:floor-cpu -- --database-url …/registry_bench_million [--only name-asc,user-page1]
 *   [--requests 800] [--rounds 3] [--node-args "…"] [--nice -5]
 *
 * Where the service's gap to its SQL floor goes, as CPU per request rather than req/s (which moves
 * with the machine's other load): the service and the floor (bench/run/floor-server.ts, the same
 * statements through bare pg + node:http) take turns, each cell `--requests` answers at 16
 * connections, the order alternating by round; per request it reads the node process's user +
 * system time (/proc/<pid>/stat) and the CPU time of that side's PostgreSQL backends (each side's
 * pool connects with its own application_name; /proc/<backend>/schedstat, PostgreSQL on this
 * machine). Equal PostgreSQL CPU means the service sends
 * what the floor replays; the rest of the gap is node. `--nice n` runs both node processes at that
 * priority (root only), interleaved with the default, to see whether the node thread's share of the
 * cores bounds req/s (docs/scaling.md, "The list's statements once its JSON is kept"). No build: run `npm run build` first.
 */
const CONNECTIONS = 16;
const TICK_MS = 10;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

interface Side {
  name: 'service' | 'floor';
  server: ServerProcess;
  app: string;
}

interface Sample {
  node: number;
  pg: number;
  rps: number;
}

/** The PostgreSQL backends of one side's pool and their CPU time so far (ns). */
async function backends(admin: Client, app: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
    app,
  ]);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, backendCpuNs(pid));
    } catch {
      // gone meanwhile
    }
  }
  return cpu;
}

async function measure(admin: Client, side: Side, path: string, headers: Record<string, string>, amount: number) {
  const before = await backends(admin, side.app);
  const ticks = processTicks(side.server.pid);
  const result = await autocannon({ url: side.server.baseUrl + path, headers, connections: CONNECTIONS, amount });
  const node = ((processTicks(side.server.pid) - ticks) * TICK_MS) / amount;
  const after = await backends(admin, side.app);
  if (result['2xx'] !== amount) throw new Error(`${side.name} ${path}: ${result['2xx']} of ${amount} answers were 2xx`);
  let pgNs = 0;
  for (const [pid, ns] of after) pgNs += ns - (before.get(pid) ?? 0);
  // requests.average is per whole second: too coarse for a few seconds' run.
  const seconds = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
  return { node, pg: pgNs / 1e6 / amount, rps: amount / seconds };
}

async function capture(url: string, nodeArgs: string[], only: string[]) {
  const file = join(tmpdir(), `registry-floor-cpu-${process.pid}.jsonl`);
  rmSync(file, { force: true });
  const service = await startService(url, nodeArgs, file);
  try {
    const { credentials, scenarios } = await signedInScenarios(service.baseUrl, url, only);
    const requests = await captureRequests(service.baseUrl, file, scenarios, credentials);
    return { scenarios, credentials, requests };
  } finally {
    await service.stop();
    rmSync(file, { force: true });
  }
}

function startWithApp<T>(app: string, start: () => Promise<T>): Promise<T> {
  const previous = process.env.PGAPPNAME;
  process.env.PGAPPNAME = app;
  const started = start();
  if (previous === undefined) delete process.env.PGAPPNAME;
  else process.env.PGAPPNAME = previous;
  return started;
}

async function main(): Promise<void> {
  const url = option('database-url') ?? process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('give --database-url');
  const amount = Number(option('requests') ?? 800);
  const rounds = Number(option('rounds') ?? 3);
  const nodeArgs = (option('node-args') ?? '').split(' ').filter(Boolean);
  const only = (option('only') ?? '').split(',').filter(Boolean);
  const load = [loadavg()[0]];
  const prepared = await capture(url, nodeArgs, only);
  const tag = `floor-cpu-${process.pid}`;
  const sides: Side[] = [
    {
      name: 'service',
      app: `${tag}-service`,
      server: await startWithApp(`${tag}-service`, () => startService(url, nodeArgs)),
    },
    {
      name: 'floor',
      app: `${tag}-floor`,
      server: await startWithApp(`${tag}-floor`, () => startFloor(url, prepared.requests)),
    },
  ];
  // With --nice, every cell is measured at both priorities, interleaved.
  const nice = option('nice');
  const priorities = nice === undefined ? [0] : [0, Number(nice)];
  const admin = new Client({ connectionString: url, application_name: `${tag}-admin` });
  await admin.connect();
  const samples = new Map<string, Sample[]>();
  try {
    for (let round = 0; round <= rounds; round++) {
      for (const scenario of prepared.scenarios) {
        const order = round % 2 === 0 ? sides : [...sides].reverse();
        for (const [side, priority] of order.flatMap((one) => priorities.map((p) => [one, p] as const))) {
          setPriority(side.server.pid, priority);
          const path = side.name === 'service' ? scenario.path : `/${scenario.name}`;
          const headers = side.name === 'service' ? requestHeaders(scenario, prepared.credentials) : {};
          const sample = await measure(admin, side, path, headers, round === 0 ? amount / 4 : amount);
          const key = `${scenario.name} ${side.name}${priority ? ` nice ${priority}` : ''}`;
          // Round 0 warms both up (JIT, pools, kept JSON) and is not counted.
          if (round > 0) samples.set(key, [...(samples.get(key) ?? []), sample]);
        }
      }
      load.push(loadavg()[0]);
      console.error(`round ${round} of ${rounds} done, load ${loadavg()[0].toFixed(1)}`);
    }
  } finally {
    await admin.end();
    await Promise.all(sides.map((side) => side.server.stop()));
  }
  console.log(
    `\n${amount} requests a cell, ${CONNECTIONS} connections, ${rounds} rounds (+1 warm-up), medians; ` +
      `load average ${load.map((l) => l.toFixed(1)).join(' → ')}\n`,
  );
  console.log(
    '| scenario | statements (steps) | node ms/req service / floor | PostgreSQL ms/req service / floor | ' +
      'total ms/req service / floor | floor ÷ service (CPU) | req/s service / floor | service ÷ floor (req/s) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const f2 = (value: number) => value.toFixed(2);
  for (const scenario of prepared.scenarios) {
    const captured: CapturedRequest = prepared.requests.find((r) => r.scenario === scenario.name)!;
    for (const priority of priorities) {
      const at = priority ? ` nice ${priority}` : '';
      const of = (side: string, pick: (s: Sample) => number) =>
        median((samples.get(`${scenario.name} ${side}${at}`) ?? []).map(pick));
      const total = (side: string) => of(side, (s) => s.node + s.pg);
      const rps = (side: string) => of(side, (s) => s.rps);
      console.log(
        `| ${scenario.name}${at} | ${captured.steps.flat().length} (${captured.steps.length}) ` +
          `| ${f2(of('service', (s) => s.node))} / ${f2(of('floor', (s) => s.node))} ` +
          `| ${f2(of('service', (s) => s.pg))} / ${f2(of('floor', (s) => s.pg))} ` +
          `| ${f2(total('service'))} / ${f2(total('floor'))} | ${f2(total('floor') / total('service'))} ` +
          `| ${rps('service').toFixed(0)} / ${rps('floor').toFixed(0)} | ${f2(rps('service') / rps('floor'))} |`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
