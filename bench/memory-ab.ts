import { loadavg } from 'node:os';
import { median, processTicks } from './run/cpu';
import { measureLatency } from './run/latency';
import autocannon from 'autocannon';
import { readMemory } from './run/memory';
import { requestHeaders } from './run/scenarios';
import { signedInScenarios, startService } from './run/service';

/*
 * npx ts-node --transpile-only bench/memory-ab.ts --database-url …/registry_bench
 *   --variant "arena2 MALLOC_ARENA_MAX=2" --variant "default" [--rounds 3] [--only key-openai,anthropic-page1]
 *   [--duration 10] [--latency-duration 5]
 *
 * Peak RSS and throughput of the built service under environment variants (glibc's malloc tunables,
 * for instance), interleaved: each round starts one service per variant in turn (the order
 * alternating by round) and runs the load run's sequence on it (per scenario 1 connection, then 16
 * connections, as `npm run bench` does, without the floor and the SQL comparison). Prints, per round
 * and variant, the service's VmHWM after the last scenario, its CPU ms per 16-connection request, and
 * per scenario req/s, 16-connection p99 and 1-connection p99; then the medians over the rounds.
 */
const TICK_MS = 10;

function options(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((arg, at) => {
    if (arg === `--${name}`) values.push(process.argv[at + 1]);
  });
  return values;
}
const option = (name: string) => options(name)[0];

interface Variant {
  name: string;
  env: Record<string, string>;
}

function parseVariant(text: string): Variant {
  const [name, ...pairs] = text.split(' ').filter(Boolean);
  return { name, env: Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string])) };
}

interface Round {
  hwm: number;
  cpuMs: number;
  scenarios: Map<string, { rps: number; p99: number; p99One: number; cpuMs: number }>;
}

async function runVariant(url: string, variant: Variant, only: string[], duration: number, latency: number) {
  const saved = { ...process.env };
  Object.assign(process.env, variant.env);
  const service = await startService(url).finally(() => {
    process.env = saved;
  });
  try {
    const { credentials, scenarios } = await signedInScenarios(service.baseUrl, url, only);
    const round: Round = { hwm: 0, cpuMs: 0, scenarios: new Map() };
    let ticks = 0;
    let requests = 0;
    for (const scenario of scenarios) {
      const target = {
        url: service.baseUrl + scenario.path,
        headers: requestHeaders(scenario, credentials),
        pid: service.pid,
      };
      const one = await measureLatency(target, latency);
      const fire = (seconds: number) =>
        autocannon({ url: target.url, headers: target.headers, connections: 16, duration: seconds });
      await fire(2);
      const before = processTicks(service.pid);
      const result = await fire(duration);
      const spent = processTicks(service.pid) - before;
      const completed = result['2xx'];
      if (result.non2xx + result.errors > 0) throw new Error(`${scenario.name}: answers other than 2xx`);
      ticks += spent;
      requests += completed;
      const cpuMs = (spent * TICK_MS) / Math.max(1, completed);
      round.scenarios.set(scenario.name, {
        rps: result.requests.average,
        p99: result.latency.p99,
        p99One: one.p99,
        cpuMs,
      });
    }
    round.hwm = readMemory(service.pid)?.hwm ?? NaN;
    round.cpuMs = (ticks * TICK_MS) / Math.max(1, requests);
    return round;
  } finally {
    await service.stop();
  }
}

function describe(variant: Variant, round: Round): string {
  const cells = [...round.scenarios].map(
    ([name, s]) =>
      `${name} ${s.rps.toFixed(0)} rps ${s.cpuMs.toFixed(2)} ms cpu p99 ${s.p99} / 1c ${s.p99One.toFixed(1)}`,
  );
  return `${variant.name}: HWM ${round.hwm.toFixed(1)} MB, cpu ${round.cpuMs.toFixed(2)} ms/req; ${cells.join('; ')}`;
}

async function main(): Promise<void> {
  const url = option('database-url') ?? process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('give --database-url');
  const variants = options('variant').map(parseVariant);
  if (variants.length < 2) throw new Error('give two --variant or more');
  const rounds = Number(option('rounds') ?? 3);
  const only = option('only')?.split(',') ?? [];
  const duration = Number(option('duration') ?? 10);
  const latency = Number(option('latency-duration') ?? 5);
  const results = new Map<string, Round[]>(variants.map((variant) => [variant.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...variants].reverse() : variants;
    for (const variant of order) {
      const round = await runVariant(url, variant, only, duration, latency);
      results.get(variant.name)!.push(round);
      console.log(`round ${r + 1} load ${loadavg()[0].toFixed(1)} ${describe(variant, round)}`);
    }
  }
  console.log('\nmedians:');
  for (const variant of variants) {
    const all = results.get(variant.name)!;
    const hwms = all.map((round) => round.hwm.toFixed(0)).join(', ');
    const names = [...all[0].scenarios.keys()];
    const cells = names.map((name) => {
      const of = (key: 'rps' | 'p99' | 'p99One' | 'cpuMs') =>
        median(all.map((round) => round.scenarios.get(name)![key]));
      return `${name} ${of('rps').toFixed(0)} rps ${of('cpuMs').toFixed(2)} ms cpu p99 ${of('p99')} / 1c ${of('p99One').toFixed(1)}`;
    });
    console.log(
      `${variant.name}: HWM ${median(all.map((round) => round.hwm)).toFixed(1)} MB (${hwms}), ` +
        `cpu ${median(all.map((round) => round.cpuMs)).toFixed(2)} ms/req; ${cells.join('; ')}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
