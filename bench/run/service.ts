import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFixtures } from './fixtures';
import { ANTHROPIC_HEADERS, Credentials, Fixtures, makeScenarios, Scenario, selectScenarios } from './scenarios';
import { ServerProcess, startServer } from './server-process';

const ROOT = join(__dirname, '..', '..');
export const DEFAULT_POOL_SIZE = 10;
// One secret for every service start of a run, so tokens signed by the first stay valid.
const JWT_SECRET = randomBytes(32).toString('hex');

/** The service's pool size: DB_POOL_SIZE as the service reads it, else its default. */
export function poolSize(): number {
  const raw = process.env.DB_POOL_SIZE?.trim();
  return raw ? Number(raw) : DEFAULT_POOL_SIZE;
}

export function buildService(): void {
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

export function serviceEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: String(poolSize()),
    // The list scenarios measure what a list costs (every keystroke of a search is a new query):
    // the exact answer cache would turn each repeated request into a hit. bench:revalidation
    // measures the cache; BENCH_ANSWER_CACHE_MB turns it on here for an A/B.
    ANSWER_CACHE_MB: process.env.BENCH_ANSWER_CACHE_MB ?? '0',
    JWT_SECRET,
    // Its own data dir, so the run never touches the developer's .data/.
    DATA_DIR: mkdtempSync(join(tmpdir(), 'registry-bench-')),
  };
  delete env.ADMIN_EMAIL;
  delete env.ADMIN_PASSWORD;
  return withStartEnv(env);
}

/** package.json's start script: `[NAME=value ...] node [flags] dist/main.js`, as words. */
function startWords(): { env: string[]; node: string[] } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(' ').filter((word) => word !== '');
  const at = words.indexOf('node');
  const env = words.slice(0, Math.max(0, at));
  if (at < 0 || words[words.length - 1] !== 'dist/main.js' || env.some((word) => !ASSIGNMENT.test(word))) {
    throw new Error(`package.json start is not "[NAME=value ...] node [flags] dist/main.js": ${pkg.scripts.start}`);
  }
  return { env, node: words.slice(at + 1, -1) };
}

const ASSIGNMENT = /^([A-Z_][A-Z0-9_]*)=(\S*)$/;

/**
 * The node flags `npm start` gives the service (package.json's start script), so the bench measures
 * the service as it is run; `--node-args` come after them.
 */
export function startFlags(): string[] {
  return startWords().node;
}

/**
 * The environment `npm start` sets for the service (its leading NAME=value words: glibc's malloc
 * tunables, read once at process start; docs/running.md, "Memory").
 */
export function startEnv(): Record<string, string> {
  return Object.fromEntries(startWords().env.map((word) => ASSIGNMENT.exec(word)!.slice(1, 3) as [string, string]));
}

/**
 * `env` with startEnv() added: a variable `env` already sets wins, so `MALLOC_ARENA_MAX=8 npm run
 * bench` is an A/B; set empty, it is left unset (glibc's default).
 */
export function withStartEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  for (const [name, value] of Object.entries(startEnv())) {
    if (env[name] === undefined) env[name] = value;
    else if (env[name] === '') delete env[name];
  }
  return env;
}

/**
 * The real service, `node [start flags] [nodeArgs] dist/main.js`. With `captureFile`, pg-capture.ts is preloaded and
 * every statement the service sends is appended to that file (used once, before the load).
 */
export function startService(
  databaseUrl: string,
  nodeArgs: string[] = [],
  captureFile?: string,
  root = ROOT,
): Promise<ServerProcess> {
  const env = serviceEnv(databaseUrl);
  const args = [...startFlags(), ...nodeArgs, join(root, 'dist', 'main.js')];
  if (captureFile) {
    env.BENCH_CAPTURE_FILE = captureFile;
    args.unshift('-r', 'ts-node/register/transpile-only', '-r', join(__dirname, 'pg-capture.ts'));
  }
  return startServer(args, env, '/health');
}

export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auths/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { token: string };
  return body.token;
}

export async function signInAll(baseUrl: string, fixtures: Fixtures): Promise<Credentials> {
  return {
    admin: await signIn(baseUrl, fixtures.admin.email, fixtures.admin.password),
    user: await signIn(baseUrl, fixtures.typical_user.email, fixtures.typical_user.password),
    key: fixtures.api_key.key,
  };
}

/** The id of the model `depth` places down the typical user's Anthropic list (or its last). */
export async function anthropicAfterId(baseUrl: string, credentials: Credentials, depth = 1000): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/models?limit=${depth}`, {
    headers: { authorization: `Bearer ${credentials.user}`, ...ANTHROPIC_HEADERS },
  });
  const body = (await response.json()) as { data?: Array<{ id: string }> };
  const last = body.data?.[body.data.length - 1];
  if (!response.ok || !last) throw new Error(`Anthropic list failed: ${response.status} ${JSON.stringify(body)}`);
  return last.id;
}

/**
 * The run's scenarios against a started service on the seeded database `url`: its fixtures, every
 * caller signed in, the Anthropic cursor found, `only` of them kept (selectScenarios).
 */
export async function signedInScenarios(
  baseUrl: string,
  url: string,
  only: string[],
): Promise<{ credentials: Credentials; scenarios: Scenario[] }> {
  const fixtures = await readFixtures(url);
  const credentials = await signInAll(baseUrl, fixtures);
  const scenarios = selectScenarios(makeScenarios(fixtures, await anthropicAfterId(baseUrl, credentials)), only);
  return { credentials, scenarios };
}
