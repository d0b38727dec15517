import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskDatabaseUrl } from '../src/startup/start-report';
import { freePort } from './support/free-port';
import { probe } from './support/child-service';
import { MainProcess, spawnMain } from './support/main-process';
import { TEST_JWT_SECRET } from './support/test-app';
import { createTestDatabase } from './support/test-database';

/** Values sent as credentials: none may appear anywhere in the log. */
const SECRETS = {
  query: 'query-secret-0123456789',
  bearer: 'bearer-secret-0123456789',
  apiKey: 'sk-header-secret-0123456789',
  googKey: 'goog-secret-0123456789',
  cookie: 'cookie-secret-0123456789',
};

interface LogRecord {
  level: number;
  msg: string;
  context?: string;
  reqId?: string;
  method?: string;
  path?: string;
  status?: number;
  ms?: number;
  caller?: string | null;
}

function records(stdout: string): LogRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogRecord);
}

/** The request line written for the response with this x-request-id (written once the response ends). */
async function requestLine(main: MainProcess, response: Response): Promise<LogRecord> {
  const id = response.headers.get('x-request-id');
  expect(id).toBeTruthy();
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = records(main.stdout()).find((record) => record.reqId === id && record.status !== undefined);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no request line for ${id}:\n${main.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start output (src/main.ts as a child process)', () => {
  let dir: string;
  let database: { url: string; drop: () => Promise<void> };
  let main: MainProcess | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'registry-ops-'));
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await main?.stop('SIGKILL');
    main = null;
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs JSON: the start lines, one line per request (id, caller, status, duration, secrets redacted), and the stop', async () => {
    const port = await freePort();
    main = spawnMain({
      DATABASE_URL: database.url,
      PORT: String(port),
      DATA_DIR: dir,
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_ROUNDS: '4',
      LOG_FORMAT: 'json',
    });
    await main.waitForStdout(/becomes the admin/);
    const base = `http://127.0.0.1:${port}`;
    const start = records(main.stdout()).map((record) => record.msg);
    expect(start).toEqual(
      expect.arrayContaining([
        `Model registry ready at http://localhost:${port} (listening on all interfaces, port ${port}); API docs at http://localhost:${port}/docs`,
        `Data folder: ${dir}`,
        `PostgreSQL: ${maskDatabaseUrl(database.url)} (DATABASE_URL)`,
        `No accounts yet: the first sign-up (POST http://localhost:${port}/api/auths/signup) becomes the admin`,
      ]),
    );
    // JWT_SECRET is set: nothing to say about a generated one. Route mapping is debug, not info.
    expect(main.stdout()).not.toContain('JWT secret generated');
    expect(main.stdout()).not.toMatch(/Mapped \{/);

    const unauthenticated = await fetch(`${base}/api/users?key=${SECRETS.query}&limit=5`, {
      headers: {
        Authorization: `Bearer ${SECRETS.bearer}`,
        'x-api-key': SECRETS.apiKey,
        'x-goog-api-key': SECRETS.googKey,
        cookie: `session=${SECRETS.cookie}`,
      },
    });
    expect(unauthenticated.status).toBe(401);
    expect(await requestLine(main, unauthenticated)).toMatchObject({
      level: 30,
      method: 'GET',
      path: '/api/users?key=[REDACTED]&limit=5',
      status: 401,
      caller: null,
      msg: 'GET /api/users?key=[REDACTED]&limit=5 401',
    });

    const malformed = await fetch(`${base}/api/auths/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(malformed.status).toBe(400);
    expect(await requestLine(main, malformed)).toMatchObject({
      method: 'POST',
      path: '/api/auths/signin',
      status: 400,
    });

    const tooLarge = await fetch(`${base}/api/auths/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x'.repeat(1_100_000) }),
    });
    expect(tooLarge.status).toBe(413);
    expect((await requestLine(main, tooLarge)).status).toBe(413);

    const signup = await fetch(`${base}/api/auths/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'ops-test-signup-1' },
      body: JSON.stringify({ name: 'Ops', email: 'ops@example.test', password: 'correct-horse-battery' }),
    });
    expect(signup.status).toBe(200);
    const { token, user } = (await signup.json()) as { token: string; user: { id: string } };
    expect((await requestLine(main, signup)).reqId).toBe('ops-test-signup-1');

    const signedIn = await fetch(`${base}/api/v1/auths`, { headers: { Authorization: `Bearer ${token}` } });
    expect(signedIn.status).toBe(200);
    const line = await requestLine(main, signedIn);
    expect(line).toMatchObject({ method: 'GET', path: '/api/v1/auths', status: 200, caller: user.id });
    expect(typeof line.ms).toBe('number');

    const exit = await main.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    const output = main.stdout() + main.stderr();
    for (const secret of [...Object.values(SECRETS), token]) expect(output).not.toContain(secret);
    expect(records(main.stdout()).pop()?.msg).toBe('Model registry stopped');
  }, 180_000);

  it('reads .env from the working directory (the environment wins) and logs readable lines, route mapping at debug', async () => {
    const port = await freePort();
    writeFileSync(join(dir, '.env'), `# local settings\nLOG_LEVEL=debug\nENABLE_SIGNUP=false\nPORT=1\n`);
    main = spawnMain(
      { DATABASE_URL: database.url, PORT: String(port), DATA_DIR: dir, JWT_SECRET: TEST_JWT_SECRET },
      { cwd: dir },
    );
    await main.waitForStdout(/No accounts yet/);
    const stdout = main.stdout();
    expect(stdout).toContain(`Read 2 variables from ${join(dir, '.env')}; already set in the environment, kept: PORT`);
    expect(stdout).toContain('No accounts yet and ENABLE_SIGNUP=false: set ADMIN_EMAIL and ADMIN_PASSWORD');
    expect(stdout).toMatch(/DEBUG: \[RouterExplorer\] Mapped \{\/api\/auths\/signup, POST\} route/);

    const signup = await fetch(`http://127.0.0.1:${port}/api/auths/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ops', email: 'ops@example.test', password: 'correct-horse-battery' }),
    });
    expect(signup.status).toBe(403);
    const id = signup.headers.get('x-request-id')!;
    await main.waitForStdout(new RegExp(`INFO: POST /api/auths/signup 403 \\d+ms req=${id}\\n`), 5000);
    expect(main.stdout()).not.toMatch(/^\{/m);
  }, 180_000);

  it('does not read .env when NODE_ENV=test (the suite runs main.ts as a child)', async () => {
    const port = await freePort();
    writeFileSync(join(dir, '.env'), 'ENABLE_SIGNUP=false\n');
    main = spawnMain(
      { DATABASE_URL: database.url, PORT: String(port), DATA_DIR: dir, JWT_SECRET: TEST_JWT_SECRET, NODE_ENV: 'test' },
      { cwd: dir },
    );
    await main.waitForStdout(/No accounts yet: the first sign-up/);
    expect(main.stdout()).not.toContain('.env');
  }, 180_000);
});

describe('a second instance, and a port already in use', () => {
  let dataDir: string;
  const started: MainProcess[] = [];
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'registry-ops-data-'));
    // Reachable by the postgres user when run as root, so no stand-in folder is involved here.
    chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    for (const main of started) await main.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses, in one line naming the holder and the way out, never a stack trace', async () => {
    const port = await freePort();
    const pgPort = await freePort();
    const first = spawnMain({
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      JWT_SECRET: TEST_JWT_SECRET,
    });
    started.push(first);
    // The start lines reach stdout one by one (pino writes asynchronously): wait for the one checked.
    await first.waitForStdout(/PostgreSQL: embedded/, 120_000);
    expect(first.stdout()).toContain(`PostgreSQL: embedded, 127.0.0.1:${pgPort}, data in ${join(dataDir, 'pg')}`);

    const second = spawnMain({ DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(pgPort) });
    started.push(second);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toBe(
      `Failed to start: another instance is already using ${join(dataDir, 'pg')}: process ${first.child.pid} ` +
        `(its PostgreSQL is pid ${pidOfPostgres(dataDir)}); to run a second instance, give it another DATA_DIR ` +
        '(and EMBEDDED_PG_PORT), or point it at a PostgreSQL server with DATABASE_URL\n',
    );

    const database = await createTestDatabase();
    try {
      const busy = spawnMain({ DATABASE_URL: database.url, PORT: String(port), JWT_SECRET: TEST_JWT_SECRET });
      started.push(busy);
      expect((await busy.exited).code).toBe(1);
      expect(busy.stderr()).toBe(
        `Failed to start: port ${port} is already in use (another program, or another instance of the registry): ` +
          'set PORT to a free port\n',
      );
      expect(busy.stdout()).not.toMatch(/\n\s+at /);
    } finally {
      await database.drop();
    }
    // The first instance never noticed.
    expect(await probe(port)).toBe(200);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 300_000);
});

function pidOfPostgres(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}
