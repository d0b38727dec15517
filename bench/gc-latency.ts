import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readFixtures } from './run/fixtures';
import { drive } from './run/load';
import { readMemory } from './run/memory';
import { percentile } from './run/sql-timing';
import { makeScenarios, requestHeaders, selectScenarios } from './run/scenarios';
import { anthropicAfterId, signInAll, startFlags } from './run/service';
import { startTracedService } from './run/traced-service';

/*
 * npx ts-node --transpile-only bench/gc-latency.ts --database-url …/registry_bench_company \
 *   [--seconds 8] [--rounds 3] [--only user-page1,key-openai] [--variant 'label=--flag …' …] [--memory-seconds 4]
 *
 * Single-connection latency of each scenario (default: the typical user's page 1 and /v1/models for the
 * 500-model key) on the service run with each `--variant`'s V8 flags (default: npm start's flags, as
 * `flags`, and V8's defaults, as `defaults`), interleaved by round (the order alternating); each service
 * runs with --trace-gc and the report gives the GC pauses it logged during each cell (count, ms per
 * request, the longest, how many ≥ 2 ms) beside p50/p99 of all rounds' requests. Then, unless
 * `--memory-seconds 0`, every scenario of the load run at 16 connections on each variant in turn, and
 * each service's VmHWM afterwards: the peak RSS a flag costs over the whole scenario set; with
 * `--memory-rounds N` that pass runs N times (order alternating) and reports each cell's req/s.
 */
const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? '' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: 'user-page1,key-openai' },
    variant: { type: 'string', multiple: true, default: [] },
    'memory-seconds': { type: 'string', default: '4' },
    'memory-rounds': { type: 'string', default: '1' },
  },
});

interface Variant {
  label: string;
  flags: string[];
}

function variants(): Variant[] {
  if (args.variant.length === 0) {
    return [
      { label: 'flags', flags: startFlags() },
      { label: 'defaults', flags: [] },
    ];
  }
  return args.variant.map((text) => {
    const at = text.indexOf('=');
    const label = at < 0 ? text : text.slice(0, at);
    const flags =
      at < 0
        ? []
        : text
            .slice(at + 1)
            .split(' ')
            .filter((word) => word !== '');
    return { label, flags };
  });
}

async function start(url: string, variant: Variant) {
  return { ...variant, ...(await startTracedService(url, variant.flags, variant.label)) };
}

/**
 * Pauses of the --trace-gc lines in `text`: ms, whether it ended a full (mark-compact) collection, and
 * for those the incremental marking steps the main thread ran before it (their sum and the biggest).
 */
interface Pause {
  ms: number;
  major: boolean;
  steps: number;
  biggestStep: number;
}

export function pauses(text: string): Pause[] {
  const found: Pause[] = [];
  for (const line of text.split('\n')) {
    const match = /(Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Sweep)[^,]*,.*?([\d.]+) \/ ([\d.]+) ms/.exec(line);
    if (!match) continue;
    const steps = /\+ ([\d.]+) ms in \d+ steps/.exec(line);
    const biggest = /biggest step ([\d.]+) ms/.exec(line);
    found.push({
      ms: Number(match[2]),
      major: match[1] === 'Mark-Compact' || match[1] === 'Mark-sweep',
      steps: steps ? Number(steps[1]) : 0,
      biggestStep: biggest ? Number(biggest[1]) : 0,
    });
  }
  return found;
}

function once(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () =>
        (response.statusCode ?? 0) < 300
          ? resolve(performance.now() - started)
          : reject(new Error(`${url}: ${response.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** One-at-a-time requests for `ms` after a 500 ms warm-up. */
async function times(url: string, headers: Record<string, string>, ms: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const warm = performance.now() + 500;
    while (performance.now() < warm) await once(agent, url, headers);
    const found: number[] = [];
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) found.push(await once(agent, url, headers));
    return found;
  } finally {
    agent.destroy();
  }
}

const f1 = (value: number) => value.toFixed(1);

async function main(): Promise<void> {
  const url = args['database-url'];
  const seconds = Number(args.seconds);
  const rounds = Number(args.rounds);
  const memorySeconds = Number(args['memory-seconds']);
  const servers = [];
  for (const variant of variants()) servers.push(await start(url, variant));
  try {
    const fixtures = await readFixtures(url);
    const credentials = await signInAll(servers[0].baseUrl, fixtures);
    const all = makeScenarios(fixtures, await anthropicAfterId(servers[0].baseUrl, credentials));
    const scenarios = all.filter((s) => args.only.split(',').includes(s.name));
    const cells = new Map<string, { times: number[]; gc: Pause[]; loads: number[] }>();
    console.log(
      `load average ${loadavg()
        .map((v) => v.toFixed(2))
        .join(', ')}`,
    );
    for (let round = 0; round < rounds; round++) {
      for (const scenario of scenarios) {
        for (const server of round % 2 ? [...servers].reverse() : servers) {
          const key = `${scenario.name} ${server.label}`;
          const cell = cells.get(key) ?? { times: [], gc: [], loads: [] };
          cells.set(key, cell);
          const before = readFileSync(server.log, 'utf8').length;
          const found = await times(
            server.baseUrl + scenario.path,
            requestHeaders(scenario, credentials),
            seconds * 1000,
          );
          // The warm-up's pauses are in the slice too; a small overcount, the same for every variant.
          cell.gc.push(...pauses(readFileSync(server.log, 'utf8').slice(before)));
          cell.times.push(...found);
          cell.loads.push(loadavg()[0]);
        }
      }
    }
    for (const [key, cell] of cells) {
      const ms = cell.gc.map((pause) => pause.ms);
      const majors = cell.gc.filter((pause) => pause.major);
      const major = majors.map((pause) => pause.ms);
      const steps = majors.reduce((sum, pause) => sum + pause.steps, 0);
      const biggestStep = Math.max(0, ...majors.map((pause) => pause.biggestStep));
      const total = ms.reduce((a, b) => a + b, 0);
      console.log(
        `${key.padEnd(28)} load ${f1(Math.min(...cell.loads))}–${f1(Math.max(...cell.loads))}: ${cell.times.length} requests, ` +
          `p50 ${f1(percentile(cell.times, 50))} p90 ${f1(percentile(cell.times, 90))} p99 ${f1(percentile(cell.times, 99))} ms; ` +
          `GC ${cell.gc.length} pauses, ${(total / cell.times.length).toFixed(2)} ms/req, longest ${f1(Math.max(0, ...ms))}, ` +
          `≥ 2 ms: ${ms.filter((pause) => pause >= 2).length}; full collections ${major.length} ` +
          `(${(major.length / cell.times.length).toFixed(3)}/req, median pause ${f1(percentile(major, 50))} ms; ` +
          `incremental marking ${(steps / cell.times.length).toFixed(2)} ms/req, biggest step ${f1(biggestStep)})`,
      );
    }
    if (memorySeconds > 0) {
      // Every scenario at 16 connections on each variant in turn (the order alternating by round): req/s per
      // cell (median of the rounds) and, after the last round, each service's VmHWM over the whole set.
      const rps = new Map<string, number[]>();
      const memoryRounds = Number(args['memory-rounds']);
      for (let round = 0; round < memoryRounds; round++) {
        for (const scenario of selectScenarios(all, [])) {
          for (const server of round % 2 ? [...servers].reverse() : servers) {
            const headers = requestHeaders(scenario, credentials);
            const result = await drive(
              { url: server.baseUrl + scenario.path, headers, pid: server.child.pid ?? 0 },
              16,
              memorySeconds,
            );
            const key = `${scenario.name} ${server.label}`;
            rps.set(key, [...(rps.get(key) ?? []), result.failures > 0 ? NaN : result.rps]);
          }
        }
        console.log(`16-connection round ${round + 1}/${memoryRounds} done, load ${f1(loadavg()[0])}`);
      }
      for (const [key, values] of rps) {
        console.log(
          `${key.padEnd(28)} 16 connections: median ${f1(percentile(values, 50))} req/s (${values.map(f1).join(', ')})`,
        );
      }
      for (const server of servers) {
        const memory = readMemory(server.child.pid ?? 0);
        console.log(
          `${server.label.padEnd(10)} [${server.flags.join(' ')}] after every scenario at 16 connections: VmHWM ${f1(memory?.hwm ?? NaN)} MB, RSS ${f1(memory?.rss ?? NaN)} MB`,
        );
      }
    }
    console.log(
      `load average ${loadavg()
        .map((v) => v.toFixed(2))
        .join(', ')}`,
    );
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
