import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchRaw, headerBytes, measure, Measured } from './revalidation/measure';
import { readMemory, sampleMemory } from './run/memory';
import { readFixtures } from './run/fixtures';
import type { Credentials } from './run/scenarios';
import { buildService, signInAll, startService } from './run/service';
import { ServerProcess, startServer } from './run/server-process';

/*
 * npm run bench:revalidation -- --database-url postgres://…/registry_bench
 *   [--duration 3] [--rounds 3] [--no-build] [--baseline /path/to/another/checkout] [--memo-ab]
 *
 * ETags and the answer cache (issue 15) on the seeded database, for the typical user's page 1 and
 * `/v1/models` with the 500-model key: req/s of the full answer (cache off), of a 304, of a
 * repeated answer from the cache (cache on), of a bare node:http server sending the same bytes,
 * and for `/v1/models` its gzip and br answers from the cache. All servers run side by side and
 * the measurements are interleaved: after a warm-up round (2 s a cell, not counted), `--rounds`
 * rounds of every cell, `--duration` seconds each,
 * so a busy machine's swings hit every cell alike; the report gives medians, the ratios of each
 * round (median) and the CPU time the server spent per request (less moved by other load than
 * req/s). `--baseline` adds another checkout's build (its dist/, cache off) to the rounds: a
 * same-run A/B of two versions of the code. `--memo-ab` adds the cache-on server with CALLER_MEMO=false
 * (every request reads its caller: one query on the primary). 16 connections.
 */
const RESULTS = join(__dirname, 'results');
const CONNECTIONS = 16;

interface Scenario {
  name: string;
  path: string;
  auth: 'user' | 'key';
}
const SCENARIOS: Scenario[] = [
  { name: 'user-page1', path: '/api/models/list', auth: 'user' },
  { name: 'key-openai', path: '/v1/models', auth: 'key' },
];

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const authOf = (scenario: Scenario, credentials: Credentials) => ({
  authorization: `Bearer ${scenario.auth === 'user' ? credentials.user : credentials.key}`,
});

/** One server under measurement and the peak of its RSS over the whole run. */
interface Server {
  label: string;
  process: ServerProcess;
  stopRss: () => number;
}

/** One thing measured each round: a request to a server and the status it must answer. */
interface Cell {
  scenario: string;
  what: string;
  server: Server;
  url: string;
  headers: Record<string, string>;
  status: number;
  results: Measured[];
}

async function startWith(
  label: string,
  url: string,
  cacheMb: string,
  root?: string,
  env: Record<string, string> = {},
): Promise<Server> {
  // service.ts passes BENCH_ANSWER_CACHE_MB on as ANSWER_CACHE_MB (default 0), and the rest of the environment.
  const changed = { BENCH_ANSWER_CACHE_MB: cacheMb, ...env };
  const saved = Object.fromEntries(Object.keys(changed).map((name) => [name, process.env[name]]));
  Object.assign(process.env, changed);
  try {
    const service = await startService(url, [], undefined, root);
    return { label, process: service, stopRss: sampleMemory(service.pid) };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The cells of one scenario on each server, with the tag of a first request for its 304s. */
async function cellsOf(scenario: Scenario, credentials: Credentials, servers: Server[], bare: ServerProcess) {
  const headers = authOf(scenario, credentials);
  const cells: Cell[] = [];
  const cell = (server: Server, what: string, extra: Record<string, string>, status: number, url?: string) =>
    cells.push({
      scenario: scenario.name,
      what,
      server,
      url: url ?? server.process.baseUrl + scenario.path,
      headers: url ? {} : { ...headers, ...extra },
      status,
      results: [],
    });
  for (const server of servers) {
    const first = await fetchRaw(server.process.baseUrl + scenario.path, headers);
    const caching = server.label.startsWith('cache on');
    cell(server, caching ? `200 from the cache, ${server.label}` : `200, ${server.label}`, {}, 200);
    cell(server, `304, ${server.label}`, { 'if-none-match': String(first.headers.etag) }, 304);
    if (caching && scenario.auth === 'key') {
      for (const encoding of ['gzip', 'br'])
        cell(server, `200 ${encoding}, ${server.label}`, { 'accept-encoding': encoding }, 200);
    }
  }
  const bareServer = { label: 'bare', process: bare, stopRss: () => NaN };
  cell(bareServer, '200, bare node:http', {}, 200, `${bare.baseUrl}/${scenario.name}`);
  return cells;
}

async function startBare(bodies: Record<string, string>): Promise<ServerProcess> {
  const file = join(tmpdir(), `registry-bench-bare-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(bodies));
  return startServer(
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'revalidation', 'bare-server.ts'), file],
    process.env,
    '/health',
  );
}

/** The bytes of the key's `/v1/models` answer: plain, gzip, br, and the headers of a 200 and a 304. */
async function bytesOf(server: Server, credentials: Credentials): Promise<Record<string, number>> {
  const scenario = SCENARIOS[1];
  const url = server.process.baseUrl + scenario.path;
  const headers = authOf(scenario, credentials);
  const first = await fetchRaw(url, headers);
  const notModified = await fetchRaw(url, { ...headers, 'if-none-match': String(first.headers.etag) });
  return {
    identity: first.bytes.length,
    gzip: (await fetchRaw(url, { ...headers, 'accept-encoding': 'gzip' })).bytes.length,
    br: (await fetchRaw(url, { ...headers, 'accept-encoding': 'br' })).bytes.length,
    fullHeaders: headerBytes(first.status, first.headers),
    notModifiedHeaders: headerBytes(notModified.status, notModified.headers),
  };
}

/** Per round, the ratio of two cells' req/s; their median. */
function ratio(cells: Cell[], scenario: string, top: string, bottom: string): string {
  const find = (what: string) => cells.find((c) => c.scenario === scenario && c.what === what);
  const a = find(top);
  const b = find(bottom);
  if (!a || !b) return '';
  const perRound = a.results.map((r, i) => r.rps / b.results[i].rps);
  return `- ${scenario}: **${median(perRound).toFixed(2)}×** (${top} / ${bottom}; rounds ${perRound.map((x) => x.toFixed(2)).join(', ')})`;
}

/** The median CPU ms per request of two cells and their ratio (the bare server's is the floor of Node's HTTP). */
function cpuRatio(cells: Cell[], scenario: string, top: string, bottom: string): string {
  const find = (what: string) => cells.find((c) => c.scenario === scenario && c.what === what);
  const a = find(top);
  const b = find(bottom);
  if (!a || !b) return '';
  const [x, y] = [a, b].map((c) => median(c.results.map((m) => m.cpuMsPerRequest)));
  return `- ${scenario}: ${top} ${x.toFixed(2)} ms, ${bottom} ${y.toFixed(3)} ms: **${(x / y).toFixed(1)}×**`;
}

function render(cells: Cell[], bytes: Record<string, number>, memory: string, loads: number[], rounds: number) {
  const table = cells.map(({ scenario, what, results: r, server }) => {
    const cpu = median(r.map((m) => m.cpuMsPerRequest));
    const cpuText = Number.isFinite(cpu) ? cpu.toFixed(server.label === 'bare' ? 3 : 2) : '';
    return (
      `| ${scenario} | ${what} | ${median(r.map((m) => m.rps)).toFixed(0)} | ${r.map((m) => m.rps.toFixed(0)).join(' / ')} |` +
      ` ${cpuText} | ${median(r.map((m) => m.p50))} | ${median(r.map((m) => m.p99))} | ${r.reduce((n, m) => n + m.unexpected, 0)} |`
    );
  });
  const ratios = SCENARIOS.flatMap(({ name }) => [
    ratio(cells, name, '304, cache off', '200, cache off'),
    ratio(cells, name, '304, baseline', '200, baseline'),
    ratio(cells, name, '304, cache off', '304, baseline'),
    ratio(cells, name, '200 from the cache, cache on', '200, bare node:http'),
    ratio(cells, name, '200 from the cache, cache on, memo off', '200, bare node:http'),
    ratio(cells, name, '200 from the cache, cache on', '200 from the cache, cache on, memo off'),
    ratio(cells, name, '304, cache on', '304, cache on, memo off'),
  ]).filter(Boolean);
  const cpuRatios = SCENARIOS.map(({ name }) =>
    cpuRatio(cells, name, '200 from the cache, cache on', '200, bare node:http'),
  ).filter(Boolean);
  return [
    `# Revalidation and the answer cache (${new Date().toISOString()})`,
    '',
    `${CONNECTIONS} connections; ${rounds} interleaved rounds; load average ${loads.map((l) => l.toFixed(1)).join(' → ')}` +
      " (start → end). req/s: median and each round; CPU: the server process's user + system ms per request (median);" +
      ' p50/p99 ms: medians; "unexpected": answers with another status, errors, timeouts (all rounds).',
    '',
    '| scenario | answer | req/s | rounds | CPU ms/req | p50 ms | p99 ms | unexpected |',
    '|---|---|---|---|---|---|---|---|',
    ...table,
    '',
    'Ratios of req/s, per round (median):',
    '',
    ...ratios,
    '',
    'CPU per request of the service against the bare server sending the same bytes (medians):',
    '',
    ...cpuRatios,
    '',
    `/v1/models with the 500-model key, bytes: body ${bytes.identity}, gzip ${bytes.gzip}, br ${bytes.br};` +
      ` headers ${bytes.fullHeaders} (200) and ${bytes.notModifiedHeaders} (304, no body).`,
    '',
    memory,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const url = option('database-url') ?? process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('give --database-url (a database seeded by npm run bench:seed)');
  const duration = Number(option('duration') ?? 3);
  const rounds = Number(option('rounds') ?? 3);
  const baseline = option('baseline');
  if (!process.argv.includes('--no-build')) buildService();
  const fixtures = await readFixtures(url);
  const loads = [loadavg()[0]];
  const servers = [
    await startWith('cache off', url, '0'),
    await startWith('cache on', url, process.env.BENCH_ANSWER_CACHE_MB ?? '16'),
    ...(baseline ? [await startWith('baseline', url, '0', baseline)] : []),
    // The caller memo (CALLER_MEMO, docs/caller-memo.md) off, with the cache on: its A/B in the same rounds.
    ...(process.argv.includes('--memo-ab')
      ? [
          await startWith('cache on, memo off', url, process.env.BENCH_ANSWER_CACHE_MB ?? '16', undefined, {
            CALLER_MEMO: 'false',
          }),
        ]
      : []),
  ];
  let bare: ServerProcess | undefined;
  try {
    const credentials = await signInAll(servers[0].process.baseUrl, fixtures);
    const bodies: Record<string, string> = {};
    for (const scenario of SCENARIOS) {
      const answer = await fetchRaw(servers[0].process.baseUrl + scenario.path, authOf(scenario, credentials));
      bodies[`/${scenario.name}`] = answer.bytes.toString();
    }
    bare = await startBare(bodies);
    const cells: Cell[] = [];
    for (const scenario of SCENARIOS) cells.push(...(await cellsOf(scenario, credentials, servers, bare)));
    // A warm-up round first (not counted): every server's JIT and pool are warm before any cell counts.
    for (const c of cells) {
      await measure({ url: c.url, headers: c.headers, pid: c.server.process.pid }, c.status, CONNECTIONS, 2, 0);
    }
    for (let round = 0; round < rounds; round += 1) {
      for (const c of cells) {
        const target = { url: c.url, headers: c.headers, pid: c.server.process.pid };
        c.results.push(await measure(target, c.status, CONNECTIONS, duration, 0));
      }
      console.log(`round ${round + 1} of ${rounds} done, load ${loadavg()[0].toFixed(1)}`);
    }
    loads.push(loadavg()[0]);
    const bytes = await bytesOf(servers[1], credentials);
    const memory = servers
      .map(
        (s) => `${s.label} ${s.stopRss().toFixed(0)} MB (VmHWM ${(readMemory(s.process.pid)?.hwm ?? NaN).toFixed(0)})`,
      )
      .join(', ');
    const report = render(cells, bytes, `Peak RSS through the run: ${memory}.`, loads, rounds);
    writeFileSync(join(RESULTS, 'revalidation.md'), report);
    console.log(report);
  } finally {
    await bare?.stop();
    for (const server of servers) await server.process.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
