import { Client } from 'pg';
import request from 'supertest';
import { hashApiKey } from '../src/api-keys/api-key-secret';
import { AuthUserLoader } from '../src/auth/auth-user.loader';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { createBaseModel, createCustomModel, groupGrant, modelApi, userGrant } from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The caller memo (CALLER_MEMO, docs/caller-memo.md) on two instances of one database: `writer`
 * and SQL sessions change users, groups, keys, grants and models; right after each change's
 * COMMIT has returned, `memo` (memo and answer cache on) must answer exactly what `oracle`
 * (memo and cache off: one fresh read per request) answers: same status, ETag and body, and a
 * 304 only for the tag the oracle would give. Then the listening connection is killed and the
 * memo must not answer from what it remembered.
 */
let writer: TestApp;
let memo: TestApp;
let oracle: TestApp;
let sql: Client;
let admin: Actor;
let user: Actor;
let key: { id: string; key: string };
let groupId: string;

const loaderOf = (t: TestApp) => t.app.get(AuthUserLoader, { strict: false });

interface Seen {
  status: number;
  etag: string | undefined;
  body: string;
}

async function ask(t: TestApp, path: string, credential: string, tag?: string): Promise<Seen> {
  const req = request(t.server).get(path).set(bearer(credential));
  if (tag !== undefined) req.set('If-None-Match', tag);
  const res = await req;
  return { status: res.status, etag: res.headers.etag, body: res.text };
}

/** Every route and credential the memo serves, compared with the oracle; the memo asked twice (cache and 304). */
async function expectCurrent(round: string): Promise<void> {
  for (const [path, credential] of [
    ['/api/models/list', user.token],
    ['/api/models/list', key.key],
    ['/v1/models', key.key],
    ['/api/models/tags', user.token],
  ] as const) {
    // The memo first, right after the change: nothing but the barrier makes it wait for the notification.
    const first = await ask(memo, path, credential);
    const again = await ask(memo, path, credential, first.etag);
    const truth = await ask(oracle, path, credential);
    const want = { round, path, ...truth };
    expect({ round, path, ...first }).toEqual(want);
    if (truth.etag !== undefined && truth.status === 200) {
      expect({ round, path, status: again.status }).toEqual({ round, path, status: 304 });
    } else {
      expect({ round, path, ...again }).toEqual(want);
    }
  }
}

beforeAll(async () => {
  writer = await startTestApp({ callerMemo: true });
  const url = writer.config.databaseUrl;
  memo = await startAppOnDatabase(url, { callerMemo: true, answerCacheMb: 16 });
  oracle = await startAppOnDatabase(url, { callerMemo: false, answerCacheMb: 0 });
  sql = new Client({ connectionString: url });
  await sql.connect();
  admin = await signUp(writer);
  user = await createUser(writer, admin);
  groupId = await createGroup(writer, admin, 'memo-group', []);
  await createBaseModel(writer, admin, { id: 'memo-base' });
  key = await createApiKey(writer, user, { name: 'memo key' });
  // LISTEN is up on both memo instances before anything is compared.
  while (!loaderOf(memo).feed?.ready || !loaderOf(writer).feed?.ready) await new Promise((r) => setTimeout(r, 20));
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await oracle?.close();
  await memo?.close();
  await writer?.close();
});

it('never answers from a remembered caller after a change committed on another instance or session', async () => {
  const hitsBefore = loaderOf(memo).memoHits;
  const changes: [string, () => Promise<unknown>][] = [
    ['role to pending (SQL)', () => sql.query(`UPDATE users SET role = 'pending' WHERE id = $1`, [user.id])],
    ['role back to user (SQL)', () => sql.query(`UPDATE users SET role = 'user' WHERE id = $1`, [user.id])],
    [
      'joins a group',
      () =>
        sql.query(`INSERT INTO group_members (group_id, user_id, created_at) VALUES ($1, $2, 0)`, [groupId, user.id]),
    ],
    [
      'group grant on a new model',
      () =>
        createCustomModel(writer, admin, {
          id: 'memo-g',
          base_model_id: 'memo-base',
          access_grants: [groupGrant(groupId)],
        }),
    ],
    ['leaves the group', () => sql.query(`DELETE FROM group_members WHERE user_id = $1`, [user.id])],
    [
      'user grant',
      () =>
        modelApi(writer, admin)
          .setAccess('memo-g', [userGrant(user.id)])
          .expect(200),
    ],
    ['renamed (SQL)', () => sql.query(`UPDATE users SET name = name || '!' WHERE id = $1`, [user.id])],
    [
      'key narrowed to an allow-list (SQL)',
      () => sql.query(`UPDATE api_keys SET models = ARRAY['memo-base'], read_only = true WHERE id = $1`, [key.id]),
    ],
    ['key allow-list dropped (SQL)', () => sql.query(`UPDATE api_keys SET models = NULL WHERE id = $1`, [key.id])],
    ['model deleted', () => modelApi(writer, admin).remove('memo-g').expect(200)],
    ['key expired (SQL)', () => sql.query(`UPDATE api_keys SET expires_at = 1 WHERE id = $1`, [key.id])],
    ['key no longer expires (SQL)', () => sql.query(`UPDATE api_keys SET expires_at = NULL WHERE id = $1`, [key.id])],
  ];
  await expectCurrent('start');
  for (let lap = 0; lap < 3; lap += 1) {
    for (const [name, change] of changes) {
      await change();
      await expectCurrent(`${lap}: ${name}`);
    }
  }
  // The memo did answer (not every request fell back to a query).
  expect(loaderOf(memo).memoHits).toBeGreaterThan(hitsBefore);
});

it('sees a change whose COMMIT returned in the same tick: the barrier, not timing, orders them', async () => {
  const loader = loaderOf(memo);
  const hits = loader.memoHits;
  for (let round = 0; round < 300; round += 1) {
    await loader.byUserId(user.id);
    await loader.byUserId(user.id);
    await sql.query(`UPDATE users SET name = $2 WHERE id = $1`, [user.id, `memo ${round}`]);
    expect((await loader.byUserId(user.id))?.name).toBe(`memo ${round}`);
  }
  expect(loader.memoHits - hits).toBeGreaterThanOrEqual(300);
});

it('records the use of a key once a minute, not per request', async () => {
  const fresh = await createApiKey(writer, user, { name: 'fresh' });
  // The key's creation notified: let that notify land first. Otherwise it can arrive while the next
  // request reads the key, and the memo (rightly) declines to keep that read, so no hit follows.
  expect(await loaderOf(memo).feed?.settled()).toBe(true);
  const lastUsed = async () =>
    Number((await sql.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [fresh.id])).rows[0].last_used_at);
  await ask(memo, '/v1/models', fresh.key);
  const recorded = await lastUsed();
  expect(recorded).toBeGreaterThan(0);
  // The write did not notify (last_used_at moved forward), and the memo's copy says "just used":
  // the next requests within the minute skip the write (ApiKeyStrategy).
  const loader = loaderOf(memo);
  const hits = loader.memoHits;
  expect((await loader.byApiKeyHash(hashApiKey(fresh.key)))?.lastUsedAt).toBe(recorded);
  expect(loader.memoHits).toBe(hits + 1);
  // Moved back by hand (as auth-credentials.e2e does to stand for a minute passing), it notifies: read and written again.
  await sql.query(`UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, [fresh.id, recorded - 61]);
  await ask(memo, '/v1/models', fresh.key);
  expect(await lastUsed()).toBeGreaterThanOrEqual(recorded);
});

it('a key that expires by the clock is refused although remembered', async () => {
  const soon = Math.floor(Date.now() / 1000) + 2;
  const short = await createApiKey(writer, user, { name: 'short', expires_at: soon });
  expect((await ask(memo, '/v1/models', short.key)).status).toBe(200);
  expect((await ask(memo, '/v1/models', short.key)).status).toBe(200);
  while (Math.floor(Date.now() / 1000) <= soon) await new Promise((r) => setTimeout(r, 100));
  expect((await ask(memo, '/v1/models', short.key)).status).toBe(401);
});

it('a deleted user or key is refused at once', async () => {
  const gone = await createUser(writer, admin);
  const goneKey = await createApiKey(writer, gone, { name: 'gone' });
  expect((await ask(memo, '/api/models/list', gone.token)).status).toBe(200);
  expect((await ask(memo, '/v1/models', goneKey.key)).status).toBe(200);
  await sql.query(`DELETE FROM api_keys WHERE id = $1`, [goneKey.id]);
  expect((await ask(memo, '/v1/models', goneKey.key)).status).toBe(401);
  await request(writer.server).delete(`/api/users/${gone.id}`).set(bearer(admin.token)).expect(200);
  expect((await ask(memo, '/api/models/list', gone.token)).status).toBe(401);
});

it('after losing its listening connection answers nothing from memory, and listens again', async () => {
  const feed = loaderOf(memo).feed!;
  await expectCurrent('warm');
  for (let round = 0; round < 5; round += 1) {
    const pid = feed.processId();
    expect(pid).not.toBeNull();
    // The backend dies; the change commits while the memo may not have noticed yet.
    await sql.query('SELECT pg_terminate_backend($1)', [pid]);
    await sql.query(`UPDATE users SET name = name || '?' WHERE id = $1`, [user.id]);
    await expectCurrent(`lost ${round}`);
    while (!feed.ready) await new Promise((r) => setTimeout(r, 50));
    expect(feed.processId()).not.toBe(pid);
    await expectCurrent(`back ${round}`);
  }
}, 60_000);
