import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { createBaseModel, createCustomModel, groupGrant, listAll, modelApi } from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
let admin: Actor;
let owner: Actor;
let member: Actor;
let groupId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Auth Admin');
  owner = await createUser(t, admin, { name: 'Owner' });
  member = await createUser(t, admin, { name: 'Member' });
  groupId = await createGroup(t, admin, 'team', [member.id]);
  await createBaseModel(t, admin, { id: 'acme/base' });
  await createCustomModel(t, owner, { id: 'owner/private', base_model_id: 'acme/base' });
  await createCustomModel(t, owner, {
    id: 'owner/for-team',
    base_model_id: 'acme/base',
    access_grants: [groupGrant(groupId)],
  });
});
afterAll(() => t?.close());

const gatewayIds = async (headers: Record<string, string>) => {
  const res = await request(t.server).get('/v1/models').set(headers).expect(200);
  return (res.body.data as Array<{ id: string }>).map((m) => m.id);
};

describe('credentials in the wrong place', () => {
  it('refuses a sign-in token sent as x-api-key, on /api and on the gateway', async () => {
    expect((await request(t.server).get('/api/auths').set('x-api-key', owner.token)).status).toBe(401);
    expect((await request(t.server).get('/api/models/list').set('x-api-key', owner.token)).status).toBe(401);
    const gateway = await request(t.server).get('/v1/models').set('x-api-key', owner.token).expect(401);
    expect(gateway.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
  });

  it('refuses a sign-in token as x-goog-api-key or ?key= on the gateway', async () => {
    await request(t.server).get('/v1beta/models').set('x-goog-api-key', owner.token).expect(401);
    await request(t.server).get('/v1beta/models').query({ key: owner.token }).expect(401);
  });

  it('ignores keys in cookies, tokens in other cookies, in the body, and in other headers', async () => {
    const { key } = await createApiKey(t, owner);
    const attempts = [
      // Only the `token` cookie is read, and only for a sign-in token (docs/access.md, Cookies).
      request(t.server).get('/api/auths').set('Cookie', `api_key=${key}; jwt=${owner.token}; Token=${owner.token}`),
      request(t.server).get('/api/auths').set('Cookie', `token=${key}`),
      request(t.server).get('/api/auths').set('api-key', key),
      request(t.server).get('/api/auths').set('x-auth-token', owner.token),
      request(t.server)
        .get('/api/auths')
        .set('Authorization', `Basic ${Buffer.from(`${key}:`).toString('base64')}`),
      request(t.server).get('/api/auths').set('Authorization', `Token ${key}`),
      request(t.server).get('/api/auths').set('Authorization', owner.token),
      request(t.server).post('/api/models/import').send({ models: [], key, token: owner.token }),
      request(t.server).get('/api/auths').query({ token: owner.token }),
    ];
    for (const attempt of attempts) expect((await attempt).status).toBe(401);
  });

  it('refuses a Bearer header carrying two credentials, or a key with trailing junk', async () => {
    const { key } = await createApiKey(t, owner);
    for (const value of [`Bearer ${owner.token} ${key}`, `Bearer ${key}x`, `Bearer ${key.toUpperCase()}`]) {
      expect((await request(t.server).get('/api/auths').set('Authorization', value)).status).toBe(401);
    }
  });
});

describe('role changes apply to model routes on the next request', () => {
  it('takes the admin bypass from a demoted admin at once: 404 for others’ private models, gone from lists', async () => {
    const second = await createUser(t, admin, { role: 'admin', name: 'Second Admin' });
    const { key } = await createApiKey(t, second);
    expect((await modelApi(t, second).get('owner/private')).status).toBe(200);
    expect(await gatewayIds(bearer(key))).toContain('owner/private');

    await request(t.server)
      .patch(`/api/users/${second.id}`)
      .set(bearer(admin.token))
      .send({ role: 'user' })
      .expect(200);
    expect((await modelApi(t, second).get('owner/private')).status).toBe(404);
    expect((await modelApi(t, second).update({ id: 'owner/private', name: 'hijacked' })).status).toBe(404);
    expect((await modelApi(t, second).toggle('owner/private')).status).toBe(404);
    expect((await listAll(t, second)).ids).not.toContain('owner/private');
    expect(await gatewayIds(bearer(key))).not.toContain('owner/private');
    // Base models are open to every user now; the admin-only list of every custom model is not.
    expect((await request(t.server).get('/api/v1/models/all').set(bearer(second.token))).status).toBe(403);
    const row = await t.dataSource.query(`SELECT name, is_active FROM models WHERE id = 'owner/private'`);
    expect(row).toEqual([{ name: 'owner/private', is_active: true }]);
  });

  it('gives a promoted user the bypass at once', async () => {
    const promoted = await createUser(t, admin, { name: 'Promoted' });
    expect((await modelApi(t, promoted).get('owner/private')).status).toBe(404);
    await request(t.server).patch(`/api/users/${promoted.id}`).set(bearer(admin.token)).send({ role: 'admin' });
    expect((await modelApi(t, promoted).get('owner/private')).status).toBe(200);
  });

  it('shuts a user set back to pending out of every model route, token and key alike', async () => {
    const doomed = await createUser(t, admin, { name: 'Set Back' });
    const { key } = await createApiKey(t, doomed);
    await request(t.server).patch(`/api/users/${doomed.id}`).set(bearer(admin.token)).send({ role: 'pending' });
    for (const headers of [bearer(doomed.token), bearer(key)]) {
      expect((await request(t.server).get('/api/models/list').set(headers)).status).toBe(403);
      expect(
        (
          await request(t.server)
            .post('/api/models/create')
            .set(headers)
            .send({ id: 'p/x', name: 'x', base_model_id: 'acme/base' })
        ).status,
      ).toBe(403);
      expect((await request(t.server).get('/v1/models').set(headers)).status).toBe(403);
    }
  });
});

describe('membership changes apply on the next request', () => {
  it('takes a group’s models from a removed member at once: list, single model and gateway', async () => {
    const { key } = await createApiKey(t, member);
    expect((await listAll(t, member)).ids).toContain('owner/for-team');
    expect(await gatewayIds(bearer(key))).toContain('owner/for-team');
    expect(await gatewayIds(bearer(member.token))).toContain('owner/for-team');

    await request(t.server).delete(`/api/groups/${groupId}/members/${member.id}`).set(bearer(admin.token)).expect(200);
    expect((await listAll(t, member)).ids).not.toContain('owner/for-team');
    expect((await modelApi(t, member).get('owner/for-team')).status).toBe(404);
    expect(await gatewayIds(bearer(key))).not.toContain('owner/for-team');
    expect(await gatewayIds(bearer(member.token))).not.toContain('owner/for-team');
    expect((await request(t.server).get('/v1/models/owner/for-team').set(bearer(key))).status).toBe(404);
  });

  it('gives a group’s models to a new member at once', async () => {
    const newcomer = await createUser(t, admin, { name: 'Newcomer' });
    expect((await listAll(t, newcomer)).ids).not.toContain('owner/for-team');
    await request(t.server)
      .post(`/api/groups/${groupId}/members`)
      .set(bearer(admin.token))
      .send({ user_ids: [newcomer.id] });
    expect((await listAll(t, newcomer)).ids).toContain('owner/for-team');
  });
});
