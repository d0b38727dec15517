import request from 'supertest';
import type { RuntimeConfig } from '../src/config/app-config';
import { bearer, createUser, DEFAULT_PASSWORD, signUp, type Actor, type HttpTarget } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { createBaseModel, createCustomModel, modelApi, publicGrant, type Json } from './support/model-fixtures';
import { startReplicatedPostgres, withClient, type ReplicatedPostgres } from './support/replicated-postgres';
import type { TestApp } from './support/test-app';

/**
 * Two instances of the service on one primary and one streaming replica (real replication):
 * identical answers, every write visible to its writer at once on either instance, replicas used
 * by other callers, a lagging or stopped replica skipped without a failed request.
 */
let pg: ReplicatedPostgres;
let first: TestApp;
let second: TestApp;
let admin: Actor;
let reader: Actor;

const health = async (t: HttpTarget): Promise<Json> => (await request(t.server).get('/health').expect(200)).body;

/** Waits (no clock in the assertion) until the instance's /health says this of its replica. */
async function replicaBecomes(t: HttpTarget, status: string): Promise<void> {
  while ((await health(t)).replicas[0].status !== status) await new Promise((resolve) => setTimeout(resolve, 100));
}

const listIds = async (t: HttpTarget, actor: Actor): Promise<string[]> => {
  const res = await modelApi(t, actor).list().expect(200);
  return (res.body.items as Json[]).map((item) => item.id as string);
};

function startInstance(overrides: Partial<RuntimeConfig> = {}): Promise<TestApp> {
  return startAppOnDatabase(pg.primary.url, { databaseReadUrls: [pg.replica.url], ...overrides });
}

beforeAll(async () => {
  pg = await startReplicatedPostgres();
  // Lag is never a reason to skip the replica here: pausing replay must not change where reads go.
  first = await startInstance({ readReplicaMaxLagSeconds: 3600 });
  second = await startInstance({ readReplicaMaxLagSeconds: 3600 });
  await Promise.all([replicaBecomes(first, 'up'), replicaBecomes(second, 'up')]);
  admin = await signUp(first);
  reader = await createUser(second, admin);
  await createBaseModel(first, admin, { id: 'base' });
  await pg.caughtUp();
}, 120_000);

afterAll(async () => {
  await second?.close();
  await first?.close();
  await pg?.destroy();
});

it('/health reports the replica, without credentials, as up', async () => {
  expect(await health(first)).toEqual({
    status: 'ok',
    database: 'up',
    replicas: [{ url: pg.replica.url.replace('postgres@', ''), status: 'up', lag_seconds: expect.any(Number) }],
  });
});

it('answers alike on both instances, and each write is visible to its writer at once on either', async () => {
  for (let i = 0; i < 6; i += 1) {
    const [writeOn, readOn] = i % 2 ? [second, first] : [first, second];
    await createCustomModel(writeOn, admin, { id: `rw-${i}`, base_model_id: 'base', access_grants: [publicGrant()] });
    expect((await modelApi(readOn, admin).get(`rw-${i}`).expect(200)).body.name).toBe(`rw-${i}`);
    await modelApi(readOn, admin)
      .update({ id: `rw-${i}`, name: `renamed ${i}` })
      .expect(200);
    expect((await modelApi(writeOn, admin).get(`rw-${i}`).expect(200)).body.name).toBe(`renamed ${i}`);
    expect(await listIds(writeOn, admin)).toContain(`rw-${i}`);
  }
  await pg.caughtUp();
  const [a, b] = await Promise.all([first, second].map((t) => modelApi(t, reader).list().expect(200)));
  expect(a.body).toEqual(b.body);
  expect(a.body.total).toBe(6);
});

let markers = 0;

/**
 * The replica's log (every statement) from now until `work` is done. Its stderr reaches this
 * process a little later, so a marker statement sent after the work is awaited in it: lines
 * written before the marker's are then all here.
 */
async function replicaLogDuring(work: () => Promise<unknown>): Promise<string> {
  const before = pg.replica.log().length;
  await work();
  const marker = `replica log marker ${(markers += 1)}`;
  await withClient(pg.replica.url, (client) => client.query('SELECT $1::text', [marker]));
  while (!pg.replica.log().includes(marker)) await new Promise((resolve) => setTimeout(resolve, 20));
  return pg.replica.log().slice(before);
}

/** Did the replica run model reads while `work` ran? */
async function replicaReadModelsDuring(work: () => Promise<unknown>): Promise<boolean> {
  return (await replicaLogDuring(work)).includes('FROM models m');
}

it("serves GET model reads from the replica once it has replayed the caller's change version", async () => {
  await pg.caughtUp();
  // Requests not answered before: the answer cache would answer those without any statement.
  const list = () => modelApi(first, reader).list({ direction: 'asc' }).expect(200);
  expect(await replicaReadModelsDuring(list)).toBe(true);
  expect(await replicaReadModelsDuring(() => modelApi(second, reader).get('rw-2').expect(200))).toBe(true);
});

it('serves /v1/models, which PostgreSQL writes as text, from the replica: the same answer on both instances', async () => {
  await pg.caughtUp();
  const onFirst = await request(first.server)
    .get('/v1/models')
    .set({ ...bearer(reader.token), 'Accept-Encoding': 'identity' })
    .expect(200);
  // Another query string: a new answer, not one the answer cache holds.
  let onSecond: request.Response | undefined;
  const served = await replicaReadModelsDuring(async () => {
    onSecond = await request(second.server)
      .get('/v1/models?owned_by=')
      .set({ ...bearer(reader.token), 'Accept-Encoding': 'identity' })
      .expect(200);
  });
  expect(served).toBe(true);
  expect(onSecond!.text).toBe(onFirst.text);
  expect((onSecond!.body.data as Json[]).length).toBeGreaterThan(0);
});

describe('with replay paused on the replica', () => {
  beforeAll(() => pg.pauseReplay());
  afterAll(() => pg.resumeReplay());

  it('answers from the primary once a change is not replayed: the writer and everyone else see it at once', async () => {
    await createCustomModel(first, admin, {
      id: 'while-paused',
      base_model_id: 'base',
      access_grants: [publicGrant()],
    });
    for (const t of [first, second]) {
      const served = await replicaReadModelsDuring(async () => {
        expect(await listIds(t, admin)).toContain('while-paused');
        await modelApi(t, admin).get('while-paused').expect(200);
        expect(await listIds(t, reader)).toContain('while-paused');
      });
      expect(served).toBe(false);
    }
    // Who the caller is (role, groups, keys) always comes from the primary.
    await request(first.server)
      .patch(`/api/users/${reader.id}`)
      .set(bearer(admin.token))
      .send({ role: 'pending' })
      .expect(200);
    await modelApi(second, reader).list().expect(403);
    await request(second.server)
      .patch(`/api/users/${reader.id}`)
      .set(bearer(admin.token))
      .send({ role: 'user' })
      .expect(200);
  });

  it('skips a replica lagging more than READ_REPLICA_MAX_LAG (an instance that allows 1 second)', async () => {
    const strict = await startInstance({ readReplicaMaxLagSeconds: 1 });
    try {
      await createCustomModel(first, admin, { id: 'lag-probe', base_model_id: 'base', access_grants: [publicGrant()] });
      await replicaBecomes(strict, 'lagging');
      expect((await health(strict)).replicas[0].lag_seconds).toBeGreaterThan(1);
      const log = await replicaLogDuring(async () => expect(await listIds(strict, reader)).toContain('lag-probe'));
      // Not even asked: a lagging replica is skipped before any statement.
      expect(log).not.toContain('change_counters');
    } finally {
      await strict.close();
    }
  });
});

it('once replayed, reads go to the replica again, with the same answers', async () => {
  await pg.caughtUp();
  await replicaBecomes(first, 'up');
  for (const t of [first, second]) {
    expect(await replicaReadModelsDuring(() => listIds(t, reader))).toBe(true);
    expect(await listIds(t, reader)).toEqual(expect.arrayContaining(['while-paused', 'lag-probe']));
  }
});

it('counts sign-in failures across both instances', async () => {
  const victim = await createUser(first, admin);
  for (let i = 0; i < 10; i += 1) {
    await request((i % 2 ? second : first).server)
      .post('/api/auths/signin')
      .send({ email: victim.email, password: 'wrong-password' })
      .expect(401);
  }
  for (const t of [first, second]) {
    await request(t.server)
      .post('/api/auths/signin')
      .send({ email: victim.email, password: DEFAULT_PASSWORD })
      .expect(429);
  }
});

it('keeps answering while the replica is stopped and started, with no failed request', async () => {
  const statuses: number[] = [];
  let running = true;
  let round = 0;
  const traffic = (async () => {
    while (running) {
      round += 1;
      const t = round % 2 ? first : second;
      statuses.push((await modelApi(t, reader).list()).status);
      statuses.push((await modelApi(t, reader).get('rw-1')).status);
      if (round % 5 === 0) {
        const id = `during-restart-${round}`;
        statuses.push((await modelApi(t, admin).create({ id, name: id, base_model_id: 'base' })).status);
        statuses.push((await modelApi(round % 2 ? second : first, admin).get(id)).status);
      }
    }
  })();
  await pg.replica.stop();
  await Promise.all([replicaBecomes(first, 'down'), replicaBecomes(second, 'down')]);
  await pg.replica.start();
  await Promise.all([replicaBecomes(first, 'up'), replicaBecomes(second, 'up')]);
  const seen = round;
  while (round < seen + 4) await new Promise((resolve) => setTimeout(resolve, 20));
  running = false;
  await traffic;
  expect(statuses.length).toBeGreaterThan(8);
  expect(statuses.filter((status) => status !== 200 && status !== 201)).toEqual([]);
});
