import autocannon from 'autocannon';
import { loadavg } from 'node:os';
import { median, processTicks } from './run/cpu';
import { readFixtures } from './run/fixtures';
import { makeScenarios, requestHeaders, selectScenarios } from './run/scenarios';
import { anthropicAfterId, buildService, signInAll, startService } from './run/service';
import type { ServerProcess } from './run/server-process';

/*
 * npm run bench:cpu -- --database-url …/registry_bench --baseline /path/to/another/checkout
 *   [--only anthropic,query-rare] [--requests 800] [--rounds 3] [--no-build] [--node-args "…"]
 *
 * The service's own CPU per request, this build against another checkout's (its dist/), on the
 * load run's scenarios: both services run side by side (answer cache off, as in `npm run bench`);
 * each round sends every scenario `--requests` full answers at 16 connections to each service in
 * turn (the order alternating by round) and reads the service's user + system time from /proc
 * before and after. CPU time per request barely moves with the machine's other load; req/s does.
 * Prints medians over the rounds.
 */
const CONNECTIONS = 16;
const TICK_MS = 10; // /proc/<pid>/stat counts in USER_HZ ticks of 10 ms

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

interface Sample {
  cpuMs: number;
  rps: number;
}

async function measure(server: ServerProcess, path: string, headers: Record<string, string>, amount: number) {
  const before = processTicks(server.pid);
  const result = await autocannon({ url: server.baseUrl + path, headers, connections: CONNECTIONS, amount });
  const ok = result['2xx'];
  if (ok !== amount) throw new Error(`${path}: ${ok} of ${amount} answers were 2xx`);
  return { cpuMs: ((processTicks(server.pid) - before) * TICK_MS) / amount, rps: result.requests.average };
}

async function main(): Promise<void> {
  const url = option('database-url') ?? process.env.BENCH_DATABASE_URL;
  const baseline = option('baseline');
  if (!url || !baseline) throw new Error('give --database-url and --baseline');
  const amount = Number(option('requests') ?? 800);
  const rounds = Number(option('rounds') ?? 3);
  const nodeArgs = (option('node-args') ?? '').split(' ').filter(Boolean);
  if (!process.argv.includes('--no-build')) buildService();
  const servers = {
    this: await startService(url, nodeArgs),
    baseline: await startService(url, nodeArgs, undefined, baseline),
  };
  const load = [loadavg()[0]];
  try {
    const fixtures = await readFixtures(url);
    const credentials = await signInAll(servers.this.baseUrl, fixtures);
    const after = await anthropicAfterId(servers.this.baseUrl, credentials);
    const only = (option('only') ?? '').split(',').filter(Boolean);
    const scenarios = selectScenarios(makeScenarios(fixtures, after), only);
    const samples = new Map<string, Sample[]>();
    for (let round = 0; round <= rounds; round++) {
      for (const scenario of scenarios) {
        const headers = requestHeaders(scenario, credentials);
        const order = round % 2 === 0 ? (['this', 'baseline'] as const) : (['baseline', 'this'] as const);
        for (const name of order) {
          const sample = await measure(servers[name], scenario.path, headers, round === 0 ? amount / 4 : amount);
          // Round 0 warms both services up and is not counted.
          if (round > 0)
            samples.set(`${scenario.name} ${name}`, [...(samples.get(`${scenario.name} ${name}`) ?? []), sample]);
        }
      }
      load.push(loadavg()[0]);
      console.error(`round ${round} of ${rounds} done, load ${loadavg()[0].toFixed(1)}`);
    }
    console.log(
      `\n${amount} requests a cell, ${CONNECTIONS} connections, ${rounds} rounds (+1 warm-up); ` +
        `load average ${load.map((l) => l.toFixed(1)).join(' → ')}\n`,
    );
    console.log('| scenario | CPU ms/req this | baseline | this ÷ baseline | req/s this | baseline |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const scenario of scenarios) {
      const mine = samples.get(`${scenario.name} this`) ?? [];
      const base = samples.get(`${scenario.name} baseline`) ?? [];
      const cpu = (list: Sample[]) => median(list.map((s) => s.cpuMs));
      const rps = (list: Sample[]) => median(list.map((s) => s.rps));
      console.log(
        `| ${scenario.name} | ${cpu(mine).toFixed(2)} | ${cpu(base).toFixed(2)} | ${(cpu(mine) / cpu(base)).toFixed(2)} ` +
          `| ${rps(mine).toFixed(0)} | ${rps(base).toFixed(0)} |`,
      );
    }
  } finally {
    await servers.this.stop();
    await servers.baseline.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
