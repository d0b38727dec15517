import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, openSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixtures } from './run/fixtures';
import { measureLatency } from './run/latency';
import { freePort } from './run/server-process';
import { signIn, startFlags } from './run/service';

/*
 * ts-node bench/gc-latency.ts --database-url …/registry_bench_company [--seconds 8] [--rounds 3] [--path /api/models/list]
 * Single-connection latency of one request (the typical user's), the service run with npm start's
 * V8 flags and without them, interleaved; each service also runs with --trace-gc, and the report
 * gives the GC pauses it logged (count, sum, the longest) beside p50/p99.
 */
function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function start(url: string, flags: string[], label: string) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `gc-${label}-`));
  const log = join(dir, 'stdout');
  const out = openSync(log, 'w');
  const child = spawn(process.execPath, [...flags, '--trace-gc', 'dist/main.js'], {
    cwd: join(__dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      ANSWER_CACHE_MB: '0',
      DATA_DIR: dir,
      PORT: String(port),
      JWT_SECRET: 'gc-latency-secret-0123456789abcdef0123456789',
    },
    stdio: ['ignore', out, out],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(baseUrl + '/health')).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { label, baseUrl, log, child, offset: 0 };
}

/** Pauses (ms) of the GC lines written since `offset`. */
function pauses(text: string): number[] {
  const found: number[] = [];
  for (const line of text.split('\n')) {
    const match = /(Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Sweep)[^,]*,.*?([\d.]+) \/ ([\d.]+) ms/.exec(line);
    if (match) found.push(Number(match[2]));
  }
  return found;
}

async function main(): Promise<void> {
  const url = option('database-url', process.env.BENCH_DATABASE_URL ?? '');
  const seconds = Number(option('seconds', '8'));
  const rounds = Number(option('rounds', '3'));
  const path = option('path', '/api/models/list');
  const servers = [await start(url, startFlags(), 'flags'), await start(url, [], 'defaults')];
  try {
    const fixtures = await readFixtures(url);
    for (let round = 0; round < rounds; round++) {
      for (const server of round % 2 ? [...servers].reverse() : servers) {
        const token = await signIn(server.baseUrl, fixtures.typical_user.email, fixtures.typical_user.password);
        const before = readFileSync(server.log, 'utf8').length;
        const result = await measureLatency(
          { url: server.baseUrl + path, headers: { authorization: `Bearer ${token}` }, pid: server.child.pid ?? 0 },
          seconds,
        );
        const gc = pauses(readFileSync(server.log, 'utf8').slice(before));
        const long = gc.filter((ms) => ms >= 2);
        console.log(
          `round ${round + 1} ${server.label.padEnd(8)} load ${loadavg()[0].toFixed(1)}: ${result.requests} requests, p50 ${result.p50.toFixed(1)} p99 ${result.p99.toFixed(1)} ms; ` +
            `GC ${gc.length} pauses, ${gc.reduce((a, b) => a + b, 0).toFixed(0)} ms in all (${(gc.reduce((a, b) => a + b, 0) / result.requests).toFixed(2)} ms/req), longest ${Math.max(0, ...gc).toFixed(1)}, ≥ 2 ms: ${long.length}`,
        );
      }
    }
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
