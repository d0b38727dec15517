import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchRaw, headerBytes, measure, Measured } from './revalidation/measure';
import { readMemory, sampleMemory } from './run/memory';
import { readFixtures } from './run/fixtures';
import type { Credentials, Fixtures } from './run/scenarios';
import { buildService, signInAll, startService } from './run/service';
import { ServerProcess, startServer } from './run/server-process';

/*
 * npm run bench:revalidation -- --database-url postgres://…/registry_bench [--duration 5] [--no-build]
 *
 * ETags and the answer cache (issue 15) on the seeded database: for the typical user's page 1 and
 * `/v1/models` with the 500-model key, req/s of the full answer (cache off), of a 304, of a
 * repeated answer from the cache, and of a bare node:http server sending the same bytes; the bytes
 * of the `/v1/models` answer plain, gzip, br and as a 304; the service's peak RSS. 16 connections.
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

interface Row {
  scenario: string;
  what: string;
  result: Measured;
}

/** One service start with ANSWER_CACHE_MB as given: each scenario's 200 and 304, and the encodings of the key's list. */
async function runService(url: string, fixtures: Fixtures, cacheMb: string, duration: number) {
  process.env.ANSWER_CACHE_MB = cacheMb;
  const service = await startService(url);
  const stopRss = sampleMemory(service.pid);
  const rows: Row[] = [];
  const bodies: Record<string, string> = {};
  const bytes: Record<string, number> = {};
  const label = cacheMb === '0' ? 'cache off' : 'cache on';
  try {
    const credentials = await signInAll(service.baseUrl, fixtures);
    for (const scenario of SCENARIOS) {
      const headers = authOf(scenario, credentials);
      const target = (extra: Record<string, string>) => ({
        url: service.baseUrl + scenario.path,
        headers: { ...headers, ...extra },
        pid: service.pid,
      });
      const first = await fetchRaw(service.baseUrl + scenario.path, headers);
      bodies[`/${scenario.name}`] = first.bytes.toString();
      const tag = String(first.headers.etag);
      rows.push({
        scenario: scenario.name,
        what: `200, ${label}`,
        result: await measure(target({}), 200, CONNECTIONS, duration),
      });
      const revalidate = { 'if-none-match': tag };
      rows.push({
        scenario: scenario.name,
        what: `304, ${label}`,
        result: await measure(target(revalidate), 304, CONNECTIONS, duration),
      });
      if (scenario.auth !== 'key') continue;
      for (const encoding of ['gzip', 'br']) {
        const accept = { 'accept-encoding': encoding };
        bytes[encoding] = (await fetchRaw(service.baseUrl + scenario.path, { ...headers, ...accept })).bytes.length;
        rows.push({
          scenario: scenario.name,
          what: `200 ${encoding}, ${label}`,
          result: await measure(target(accept), 200, CONNECTIONS, duration),
        });
      }
      bytes.identity = first.bytes.length;
      const notModified = await fetchRaw(service.baseUrl + scenario.path, { ...headers, ...revalidate });
      bytes.notModifiedHeaders = headerBytes(notModified.status, notModified.headers);
      bytes.fullHeaders = headerBytes(first.status, first.headers);
    }
    return { rows, bodies, bytes, peakRssMb: stopRss(), hwmMb: readMemory(service.pid)?.hwm ?? NaN };
  } finally {
    await service.stop();
  }
}

async function runBare(bodies: Record<string, string>, duration: number): Promise<Row[]> {
  const file = join(tmpdir(), `registry-bench-bare-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(bodies));
  const bare: ServerProcess = await startServer(
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'revalidation', 'bare-server.ts'), file],
    process.env,
    '/health',
  );
  try {
    const rows: Row[] = [];
    for (const scenario of SCENARIOS) {
      const target = { url: `${bare.baseUrl}/${scenario.name}`, headers: {}, pid: bare.pid };
      rows.push({
        scenario: scenario.name,
        what: '200, bare node:http',
        result: await measure(target, 200, CONNECTIONS, duration),
      });
    }
    return rows;
  } finally {
    await bare.stop();
  }
}

function render(rows: Row[], bytes: Record<string, number>, memory: string): string {
  const table = rows.map(
    ({ scenario, what, result: r }) =>
      `| ${scenario} | ${what} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.unexpected} | ${r.peakRssMb.toFixed(0)} |`,
  );
  return [
    `# Revalidation and the answer cache (${new Date().toISOString()}, load ${loadavg()[0].toFixed(1)})`,
    '',
    `${CONNECTIONS} connections. "unexpected": answers with another status, errors, timeouts.`,
    '',
    '| scenario | answer | req/s | p50 ms | p99 ms | unexpected | peak RSS MB |',
    '|---|---|---|---|---|---|---|',
    ...table,
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
  const duration = Number(option('duration') ?? 5);
  if (!process.argv.includes('--no-build')) buildService();
  const fixtures = await readFixtures(url);
  const off = await runService(url, fixtures, '0', duration);
  const on = await runService(url, fixtures, process.env.BENCH_ANSWER_CACHE_MB ?? '16', duration);
  const bare = await runBare(on.bodies, duration);
  const memory =
    `Service peak RSS: cache off ${off.peakRssMb.toFixed(0)} MB (VmHWM ${off.hwmMb.toFixed(0)}),` +
    ` cache on ${on.peakRssMb.toFixed(0)} MB (VmHWM ${on.hwmMb.toFixed(0)}).`;
  const report = render([...off.rows, ...on.rows, ...bare], on.bytes, memory);
  writeFileSync(join(RESULTS, 'revalidation.md'), report);
  console.log(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
