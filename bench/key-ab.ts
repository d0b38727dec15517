/*
 * npx ts-node --transpile-only bench/key-ab.ts --base <checkout with dist/> [--database-url …] [--only key-openai]
 *   [--requests 300] [--rounds 6]
 *
 * Two builds of the service side by side (this checkout's dist/ and --base's), each started with npm start's
 * flags and the answer cache off, requests one at a time on one kept-alive connection, interleaved round by
 * round (the order flips every round). Per side: p50/p90/p99 of the wall time, and counts that a shared
 * machine disturbs less than the clock: the service's CPU ms per request (/proc/<pid>/stat) and the CPU ms
 * per request of the PostgreSQL backends serving that service's pool (found through its sockets; PostgreSQL
 * must run on this machine). Read-only. Issue 12 (single-connection p99), README "Where the single-connection
 * tail comes from"; run `npm run build` in both checkouts first.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Agent } from 'node:http';
import { timedGet } from './run/latency';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { backendCpuNs, processTicks } from './run/cpu';
import { readFixtures } from './run/fixtures';
import { Credentials, makeScenarios, requestHeaders, selectScenarios } from './run/scenarios';
import { anthropicAfterId, signInAll, startService } from './run/service';
import type { ServerProcess } from './run/server-process';
import { percentile } from './run/sql-timing';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: '' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? '' },
    only: { type: 'string', default: 'key-openai' },
    requests: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '6' },
  },
});
const TICK_MS = 10;
const PG_PORT_HEX = ':1538';

/** Local ports of the process's TCP connections to port 5432 (its pool's connections). */
function poolPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && fields[2].endsWith(PG_PORT_HEX) && inodes.has(fields[9])) {
        ports.push(parseInt(fields[1].split(':')[1], 16));
      }
    }
  }
  return ports;
}

async function backendsOf(admin: Client, service: ServerProcess): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])',
    [poolPorts(service.pid)],
  );
  return rows.map((row) => row.pid);
}

const pgCpuNs = (pids: number[]) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + backendCpuNs(pid);
    } catch {
      return sum;
    }
  }, 0);

interface Side {
  label: string;
  service: ServerProcess;
  times: number[];
  serviceMs: number[];
  pgMs: number[];
}

async function round(admin: Client, side: Side, target: string, headers: Record<string, string>, n: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 20; i++) await timedGet(agent, side.service.baseUrl + target, headers);
    const backends = await backendsOf(admin, side.service);
    const ticks = processTicks(side.service.pid);
    const pg = pgCpuNs(backends);
    for (let i = 0; i < n; i++) side.times.push(await timedGet(agent, side.service.baseUrl + target, headers));
    side.serviceMs.push(((processTicks(side.service.pid) - ticks) * TICK_MS) / n);
    side.pgMs.push((pgCpuNs(backends) - pg) / 1e6 / n);
  } finally {
    agent.destroy();
  }
}

const f1 = (value: number) => value.toFixed(1);
const f2 = (value: number) => value.toFixed(2);
const med = (values: number[]) => percentile(values, 50);

async function main(): Promise<void> {
  const url = args['database-url'];
  if (!url || !args.base) throw new Error('--database-url and --base are required');
  const n = Number(args.requests);
  const fixtures = await readFixtures(url);
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const sides: Side[] = [];
  try {
    for (const [label, root] of [
      ['base', args.base],
      ['this', undefined],
    ] as const) {
      const service = await startService(url, [], undefined, root);
      sides.push({ label, service, times: [], serviceMs: [], pgMs: [] });
    }
    const credentials: Credentials = await signInAll(sides[0].service.baseUrl, fixtures);
    const afterId = await anthropicAfterId(sides[0].service.baseUrl, credentials);
    for (const scenario of selectScenarios(makeScenarios(fixtures, afterId), args.only.split(','))) {
      const headers = requestHeaders(scenario, credentials);
      for (const side of sides) Object.assign(side, { times: [], serviceMs: [], pgMs: [] });
      const loads: number[] = [];
      for (let r = 0; r < Number(args.rounds); r++) {
        for (const side of r % 2 ? [...sides].reverse() : sides) await round(admin, side, scenario.path, headers, n);
        loads.push(loadavg()[0]);
      }
      console.log(
        `${scenario.name}: ${args.rounds} rounds × ${n} requests a side, load ${f1(Math.min(...loads))}–${f1(Math.max(...loads))}`,
      );
      for (const side of sides) {
        const t = side.times;
        console.log(
          `  ${side.label.padEnd(5)} p50 ${f1(percentile(t, 50))} p90 ${f1(percentile(t, 90))} p99 ${f1(percentile(t, 99))} ms; ` +
            `service CPU ${f2(med(side.serviceMs))} ms/req (rounds ${side.serviceMs.map(f2).join(' ')}); ` +
            `PostgreSQL CPU ${f2(med(side.pgMs))} ms/req (rounds ${side.pgMs.map(f2).join(' ')})`,
        );
      }
    }
  } finally {
    await admin.end();
    await Promise.all(sides.map((side) => side.service.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
