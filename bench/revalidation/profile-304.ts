import autocannon from 'autocannon';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixtures } from '../run/fixtures';
import { ANTHROPIC_HEADERS } from '../run/scenarios';
import { signInAll, startService } from '../run/service';
import { fetchRaw } from './measure';

/*
 * ts-node bench/revalidation/profile-304.ts --database-url … [--requests 4000] [--path /api/models/list]
 *   [--auth user|admin|key] [--full] [--anthropic]
 * Starts the built service under --cpu-prof (answer cache off), sends a fixed number of 304
 * revalidations (with --full: full answers, as the load run sends them; --anthropic adds the
 * anthropic-version header) at 16 connections and prints where the .cpuprofile went (open it in
 * Chrome DevTools or speedscope).
 */
function option(name: string, fallback?: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const url = option('database-url') ?? process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('give --database-url');
  const amount = Number(option('requests', '4000'));
  const path = option('path', '/api/models/list') as string;
  const dir = mkdtempSync(join(tmpdir(), 'registry-prof-'));
  const service = await startService(url, ['--cpu-prof', '--cpu-prof-dir', dir]);
  try {
    const credentials = await signInAll(service.baseUrl, await readFixtures(url));
    const auth = option('auth', 'user') as 'user' | 'admin' | 'key';
    const headers: Record<string, string> = {
      authorization: `Bearer ${credentials[auth]}`,
      ...(process.argv.includes('--anthropic') ? ANTHROPIC_HEADERS : {}),
    };
    const first = await fetchRaw(service.baseUrl + path, headers);
    const revalidate = process.argv.includes('--full')
      ? headers
      : { ...headers, 'if-none-match': String(first.headers.etag) };
    const result = await autocannon({ url: service.baseUrl + path, headers: revalidate, connections: 16, amount });
    console.log(
      `${amount} requests, ${result.requests.average} req/s, statuses ${JSON.stringify(result.statusCodeStats)}`,
    );
  } finally {
    await service.stop();
  }
  console.log(join(dir, readdirSync(dir)[0] ?? '(none)'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
