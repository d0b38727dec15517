import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './support/test-app';

const now = (): number => Math.floor(Date.now() / 1000);
const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('credentials: sign-in tokens and API keys', () => {
  let t: TestApp;
  let admin: Actor;
  let user: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    user = await createUser(t, admin, { role: 'user' });
  });
  afterAll(() => t.close());

  /** GET /api/auths (the caller) with the given headers. */
  const whoAmI = (headers: Record<string, string>, path = '/api/auths') => request(t.server).get(path).set(headers);

  describe('accepted', () => {
    it('accepts a sign-in token as Authorization: Bearer', async () => {
      const res = await whoAmI(bearer(user.token)).expect(200);
      expect(res.body.id).toBe(user.id);
    });

    it('accepts an API key as Authorization: Bearer', async () => {
      const { key } = await createApiKey(t, user);
      expect((await whoAmI(bearer(key)).expect(200)).body.id).toBe(user.id);
    });

    it('accepts an API key in x-api-key', async () => {
      const { key } = await createApiKey(t, user);
      expect((await whoAmI({ 'x-api-key': key }).expect(200)).body.id).toBe(user.id);
    });

    // Changed on purpose (docs/access.md, API keys: accounts and credentials need a sign-in token): was 201.
    it('accepts an API key on signed-in routes, but not to create another key (403: sign-in token)', async () => {
      const { key } = await createApiKey(t, user);
      await request(t.server).get('/api/models/list').set('x-api-key', key).expect(200);
      const res = await request(t.server).post('/api/keys').set('x-api-key', key).send({ name: 'via key' }).expect(403);
      expect(res.body.detail).toMatch(/sign-in token/);
    });
  });

  describe('refused with 401', () => {
    it('refuses a request without credentials, saying how to sign in', async () => {
      const res = await whoAmI({}).expect(401);
      expect(res.body.detail).toMatch(/Not signed in/);
    });

    it('refuses a tampered sign-in token', async () => {
      const [header, payload, signature] = user.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string };
      const forged = [header, base64url({ ...claims, sub: admin.id }), signature].join('.');
      expect((await whoAmI(bearer(forged)).expect(401)).body.detail).toBe('Invalid token');
    });

    it('refuses an unsigned token (alg: none)', async () => {
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: admin.id, exp: now() + 600 })}.`;
      await whoAmI(bearer(unsigned)).expect(401);
    });

    it('refuses a token signed with another algorithm than HS256, even with the right secret', async () => {
      const hs512 = sign({ sub: admin.id }, TEST_JWT_SECRET, { algorithm: 'HS512', expiresIn: 600 });
      await whoAmI(bearer(hs512)).expect(401);
    });

    it('refuses a token signed with another secret', async () => {
      const foreign = sign({ sub: admin.id }, 'another-secret-another-secret-another', { expiresIn: 600 });
      await whoAmI(bearer(foreign)).expect(401);
    });

    it('refuses an expired token, saying it expired', async () => {
      const expired = sign({ sub: user.id, iat: now() - 7200, exp: now() - 3600 }, TEST_JWT_SECRET);
      expect((await whoAmI(bearer(expired)).expect(401)).body.detail).toMatch(/expired/);
    });

    it('refuses a token whose account was deleted', async () => {
      const doomed = await createUser(t, admin);
      await whoAmI(bearer(doomed.token)).expect(200);
      await request(t.server).delete(`/api/users/${doomed.id}`).set(bearer(admin.token)).expect(200);
      await whoAmI(bearer(doomed.token)).expect(401);
    });

    it('refuses a garbage bearer token and an unknown key', async () => {
      await whoAmI(bearer('not-a-token')).expect(401);
      const unknown = await whoAmI(bearer(`sk-${'0'.repeat(64)}`)).expect(401);
      expect(unknown.body.detail).toBe('Invalid API key');
      await whoAmI({ 'x-api-key': 'no-prefix' }).expect(401);
    });

    it('refuses an expired key', async () => {
      const { id, key } = await createApiKey(t, user, { expires_at: now() + 3600 });
      await whoAmI(bearer(key)).expect(200);
      await t.dataSource.query('UPDATE api_keys SET expires_at = $2 WHERE id = $1', [id, now() - 1]);
      expect((await whoAmI(bearer(key)).expect(401)).body.detail).toBe('API key has expired');
    });

    it('refuses a deleted key', async () => {
      const { id, key } = await createApiKey(t, user);
      await request(t.server).delete(`/api/keys/${id}`).set(bearer(user.token)).expect(200);
      await whoAmI({ 'x-api-key': key }).expect(401);
    });

    it('refuses a key of a deleted account', async () => {
      const doomed = await createUser(t, admin);
      const { key } = await createApiKey(t, doomed);
      await request(t.server).delete(`/api/users/${doomed.id}`).set(bearer(admin.token)).expect(200);
      await whoAmI(bearer(key)).expect(401);
    });

    it('does not take a key from x-goog-api-key or ?key= outside the gateway paths', async () => {
      const { key } = await createApiKey(t, user);
      await whoAmI({ 'x-goog-api-key': key }).expect(401);
      await request(t.server).get(`/api/auths?key=${key}`).expect(401);
    });
  });

  describe('on the gateway paths (/v1/, /v1beta/)', () => {
    it('also takes the key from x-goog-api-key and from ?key=', async () => {
      const { key } = await createApiKey(t, user);
      await request(t.server).get('/v1/models').set('x-goog-api-key', key).expect(200);
      await request(t.server).get(`/v1/models?key=${key}`).expect(200);
      await request(t.server).get(`/v1beta/models?key=${key}`).expect(200);
      await request(t.server).get('/v1beta/models').set('x-goog-api-key', key).expect(200);
    });

    it('refuses a missing, unknown or deleted key there with 401', async () => {
      const { id, key } = await createApiKey(t, user);
      await request(t.server).get('/v1/models').expect(401);
      await request(t.server)
        .get(`/v1beta/models?key=sk-${'f'.repeat(64)}`)
        .expect(401);
      await request(t.server).delete(`/api/keys/${id}`).set(bearer(user.token)).expect(200);
      await request(t.server).get('/v1beta/models').set('x-goog-api-key', key).expect(401);
    });
  });

  describe('refused with 403', () => {
    it('refuses a key whose group no longer holds its user', async () => {
      const member = await createUser(t, admin);
      const group = await createGroup(t, admin, 'leavers', [member.id]);
      const { key } = await createApiKey(t, member, { group_id: group });
      await whoAmI(bearer(key)).expect(200);
      await request(t.server).delete(`/api/groups/${group}/members/${member.id}`).set(bearer(admin.token)).expect(200);
      const res = await whoAmI(bearer(key)).expect(403);
      expect(res.body.detail).toMatch(/group of this API key/);
      // The account itself is fine: its sign-in token still works.
      await whoAmI(bearer(member.token)).expect(200);
    });

    it('refuses a key whose group was deleted', async () => {
      const member = await createUser(t, admin);
      const group = await createGroup(t, admin, 'short-lived', [member.id]);
      const { key } = await createApiKey(t, member, { group_id: group });
      await request(t.server).delete(`/api/groups/${group}`).set(bearer(admin.token)).expect(200);
      await whoAmI({ 'x-api-key': key }).expect(403);
    });

    it('refuses a key of an account that became pending, except on the profile route', async () => {
      const member = await createUser(t, admin);
      const { key } = await createApiKey(t, member);
      await request(t.server).patch(`/api/users/${member.id}`).set(bearer(admin.token)).send({ role: 'pending' });
      await request(t.server).get('/api/keys').set(bearer(key)).expect(403);
      await whoAmI(bearer(key)).expect(200);
    });
  });

  describe('last_used_at', () => {
    const lastUsed = async (owner: Actor, id: string): Promise<number | null> => {
      const res = await request(t.server).get('/api/keys').set(bearer(owner.token)).expect(200);
      return (res.body as Array<{ id: string; last_used_at: number | null }>).find((k) => k.id === id)!.last_used_at;
    };

    it('records the first use of a key', async () => {
      const { id, key } = await createApiKey(t, user);
      expect(await lastUsed(user, id)).toBeNull();
      await whoAmI(bearer(key)).expect(200);
      expect(await lastUsed(user, id)).toBeGreaterThanOrEqual(now() - 5);
    });

    it('writes last_used_at at most once a minute', async () => {
      const { id, key } = await createApiKey(t, user);
      const recent = now() - 30;
      await t.dataSource.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [id, recent]);
      await whoAmI(bearer(key)).expect(200);
      expect(await lastUsed(user, id)).toBe(recent);

      await t.dataSource.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [id, now() - 61]);
      await whoAmI(bearer(key)).expect(200);
      expect(await lastUsed(user, id)).toBeGreaterThanOrEqual(now() - 5);
    });
  });
});
