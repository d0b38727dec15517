import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixtures } from '../run/fixtures';
import { freePort } from '../run/server-process';
import { fetchRaw } from './measure';

/*
 * ts-node bench/revalidation/count-304.ts --database-url … [--root <checkout with a built dist/>] [--requests 300]
 *   [--full]
 *
 * Instructions per 304, counted by valgrind's callgrind in the service process (not PostgreSQL):
 * a figure the machine's load does not move, for A/B of two builds (`--root` each). Starts the
 * built service under callgrind with instrumentation off (so it starts at near full speed), warms
 * each scenario up (400 requests), then
 * counts exactly `--requests` revalidations at 4 connections: the typical user's page 1 (sign-in
 * token) and `/v1/models` with the 500-model key. With --full, full answers of those two and of
 * the Anthropic page and the rare search are counted after the 304s (the load run's requests).
 * Slow: the service starts in a minute or two.
 */
function option(name: string, fallback?: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const url = option('database-url') ?? process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('give --database-url');
  const root = option('root', join(__dirname, '..', '..')) as string;
  const amount = Number(option('requests', '300'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = mkdtempSync(join(tmpdir(), 'registry-callgrind-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${join(out, 'cg.out')}`,
      process.execPath,
      join(root, 'dist', 'main.js'),
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: url,
        ANSWER_CACHE_MB: '0',
        JWT_SECRET: 'callgrind-'.repeat(8),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'registry-callgrind-data-')),
        PORT: String(port),
      },
      stdio: 'ignore',
    },
  );
  const control = (...args: string[]) => execFileSync('callgrind_control', [...args, String(child.pid)]);
  try {
    for (let i = 0; i < 600; i += 1) {
      if (
        await fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(1000);
    }
    const fixtures = await readFixtures(url);
    const signIn = await fetch(`${base}/api/auths/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: fixtures.typical_user.email, password: fixtures.typical_user.password }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const user = `Bearer ${token}`;
    const revalidations = [
      { name: 'user-page1', path: '/api/models/list', authorization: user, full: false },
      { name: 'key-openai', path: '/v1/models', authorization: `Bearer ${fixtures.api_key.key}`, full: false },
    ];
    const fullAnswers = [
      ...revalidations.map((scenario) => ({ ...scenario, name: `${scenario.name} full`, full: true })),
      { name: 'anthropic-page1 full', path: '/v1/models?limit=20', authorization: user, full: true },
      {
        name: 'user-query-rare full',
        path: `/api/models/list?query=${fixtures.query.rare.word}`,
        authorization: user,
        full: true,
      },
    ];
    const scenarios = process.argv.includes('--full') ? [...revalidations, ...fullAnswers] : revalidations;
    for (const { name, path, authorization, full } of scenarios) {
      const format: Record<string, string> = path.startsWith('/v1/models?limit')
        ? { 'anthropic-version': '2023-06-01' }
        : {};
      // Without Accept-Encoding, as autocannon asks: the tag of a gzip answer is another one.
      const first = await fetchRaw(base + path, { authorization, ...format });
      const headers = { authorization, ...format, ...(full ? {} : { 'if-none-match': String(first.headers.etag) }) };
      await autocannon({ url: base + path, headers, connections: 4, amount: 400 });
      control('-i', 'on');
      control('-z');
      const result = await autocannon({ url: base + path, headers, connections: 4, amount });
      control('-i', 'off');
      control('-d', name.replace(' ', '-'));
      await sleep(2000);
      // callgrind names dumps cg.out.1, .2, …; the one asked for names its trigger.
      const dumps = readdirSync(out).map((file) => readFileSync(join(out, file), 'utf8'));
      const dump = dumps.find((text) => text.includes(`Trigger: dump ${name.replace(' ', '-')}`)) ?? '';
      const total = Number(/^totals: (\d+)/m.exec(dump)?.[1]);
      console.log(
        `${name}: ${Math.round(total / amount).toLocaleString('en-US')} instructions per ${full ? 'answer' : '304'}` +
          ` (${amount} requests, statuses ${JSON.stringify(result.statusCodeStats)}; dumps in ${out})`,
      );
    }
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
