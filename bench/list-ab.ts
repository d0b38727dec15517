import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readFixtures } from './run/fixtures';
import { Credentials, makeScenarios, requestHeaders, selectScenarios, type Scenario } from './run/scenarios';
import { signInAll, startService } from './run/service';
import type { ServerProcess } from './run/server-process';
import { percentile } from './run/sql-timing';

/*
 * Single-connection latency of two builds of the service, interleaved (issue 12: p99 ≤ 25 ms):
 * both run at once on the same database; per scenario, `--rounds` rounds of `--seconds` of
 * requests one at a time to A, then to B (the order alternates each round), p50/p99 of each side
 * over all its rounds, with the load average. Read-only, so the shared bench databases are fine
 * for builds without a new migration. Build both first (`npm run build` in each tree). A build with a
 * new migration runs on a copy (createdb -T, then migrated) while A runs on the original:
 * `--database-url` the copy (B's), `--a-database-url` the original (A's).
 *
 *   npx ts-node --transpile-only bench/list-ab.ts --database-url …/registry_bench_company \
 *     --a /path/to/other/tree --b . [--only user-query-common,user-tag] [--seconds 5] [--rounds 3]
 */
const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? '' },
    'a-database-url': { type: 'string' },
    a: { type: 'string' },
    b: { type: 'string', default: '.' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
  },
});

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(base: URL, scenario: Scenario, credentials: Credentials): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: scenario.path,
        agent,
        headers: requestHeaders(scenario, credentials),
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${scenario.name}: ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - start) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A kept-alive socket the server closed while the other side ran is opened again, not timed. */
async function timed(base: URL, scenario: Scenario, credentials: Credentials): Promise<number> {
  try {
    return await get(base, scenario, credentials);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
    await get(base, scenario, credentials);
    return get(base, scenario, credentials);
  }
}

async function run(base: URL, scenario: Scenario, credentials: Credentials, seconds: number, into: number[]) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) into.push(await timed(base, scenario, credentials));
}

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  if (!args.a || !args['database-url']) throw new Error('--a and --database-url are required');
  const fixtures = await readFixtures(args['database-url']);
  const servers: ServerProcess[] = [];
  try {
    const urls = [args['a-database-url'] ?? args['database-url'], args['database-url']];
    for (const [i, root] of [args.a, args.b].entries()) servers.push(await startService(urls[i], [], undefined, root));
    const bases = servers.map((s) => new URL(s.baseUrl));
    const credentials = await signInAll(servers[1].baseUrl, fixtures);
    const scenarios = selectScenarios(makeScenarios(fixtures, ''), args.only.split(',').filter(Boolean)).filter(
      (s) => s.list !== null,
    );
    const rounds = Number(args.rounds);
    const seconds = Number(args.seconds);
    console.log(
      `A ${args.a} (${urls[0]}), B ${args.b} (${urls[1]}); ${rounds} rounds of ${seconds} s each side; load ${load()}`,
    );
    for (const scenario of scenarios) {
      const times: number[][] = [[], []];
      for (const side of [0, 1]) for (let i = 0; i < 20; i += 1) await timed(bases[side], scenario, credentials);
      for (let r = 0; r < rounds; r += 1) {
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const side of order) await run(bases[side], scenario, credentials, seconds, times[side]);
      }
      const show = (t: number[]): string =>
        `${percentile(t, 50).toFixed(1)} / ${percentile(t, 99).toFixed(1)} ms (n ${t.length})`;
      console.log(`${scenario.name}: A ${show(times[0])} · B ${show(times[1])} · load ${load()}`);
    }
  } finally {
    for (const server of servers) await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
