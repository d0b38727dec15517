import Redis from 'ioredis';
import request from 'supertest';
import { createUser, DEFAULT_PASSWORD, signUp, type Actor, type HttpTarget } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The sign-in throttle counts in one place for every instance: two apps on one database (and,
 * with REDIS_URL, one Redis) see each other's failures.
 */
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

const attempt = (t: HttpTarget, email: string, password: string) =>
  request(t.server).post('/api/auths/signin').send({ email, password });

/** 10 failures alternating between the two instances; then both refuse, even the right password. */
async function expectCountedAcross(first: TestApp, second: TestApp, victim: Actor): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await attempt(i % 2 ? second : first, victim.email, 'wrong-password').expect(401);
  }
  for (const instance of [first, second]) {
    const res = await attempt(instance, victim.email.toUpperCase(), DEFAULT_PASSWORD).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
  }
}

describe('sign-in throttle shared through PostgreSQL (the default)', () => {
  let first: TestApp;
  let second: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    first = await startTestApp();
    second = await startAppOnDatabase(first.config.databaseUrl);
    admin = await signUp(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('counts failures made on either instance, and both refuse the email', async () => {
    await expectCountedAcross(first, second, await createUser(first, admin));
  });

  it('keeps the count when an instance restarts', async () => {
    const victim = await createUser(first, admin);
    for (let i = 0; i < 10; i += 1) await attempt(second, victim.email, 'wrong-password').expect(401);
    await second.close();
    second = await startAppOnDatabase(first.config.databaseUrl);
    await attempt(second, victim.email, DEFAULT_PASSWORD).expect(429);
  });

  it('stores a hash of the email, not the email', async () => {
    const rows: { key: string }[] = await first.dataSource.query('SELECT key FROM sign_in_failures');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.key).toMatch(/^sign-in:[0-9a-f]{64}$/);
  });

  it('a successful sign-in on one instance clears the count for both', async () => {
    const user = await createUser(first, admin);
    for (let i = 0; i < 9; i += 1) await attempt(first, user.email, 'wrong-password').expect(401);
    await attempt(second, user.email, DEFAULT_PASSWORD).expect(200);
    for (let i = 0; i < 9; i += 1) await attempt(first, user.email, 'wrong-password').expect(401);
    await attempt(second, user.email, DEFAULT_PASSWORD).expect(200);
  });
});

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

// A fresh machine has no Redis: there the PostgreSQL default above is what the run checks.
describe(`sign-in throttle shared through Redis (REDIS_URL, ${REDIS_URL} when it answers)`, () => {
  let first: TestApp;
  let second: TestApp;
  let admin: Actor;
  let available = false;
  beforeAll(async () => {
    available = await redisAnswers(REDIS_URL);
    first = await startTestApp({ redisUrl: available ? REDIS_URL : null });
    second = await startAppOnDatabase(first.config.databaseUrl, { redisUrl: available ? REDIS_URL : null });
    admin = await signUp(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('counts failures made on either instance in Redis, none in PostgreSQL', async () => {
    if (!available) return console.warn(`no Redis answers at ${REDIS_URL}: Redis throttle not checked`);
    await expectCountedAcross(first, second, await createUser(first, admin));
    const rows: unknown[] = await first.dataSource.query('SELECT key FROM sign_in_failures');
    expect(rows).toEqual([]);
  });
});
