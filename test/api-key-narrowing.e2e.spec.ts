import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, DEFAULT_PASSWORD, signUp, type Actor } from './support/actors';
import { snapshotTables } from './support/hostile-http';
import {
  createBaseModel,
  createCustomModel,
  groupGrant,
  type Json,
  TINY_PNG_BASE64,
  userGrant,
} from './support/model-fixtures';
import { label, openApiOperations } from './support/openapi-routes';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * docs/access.md (API keys) "never with more power than the key itself states", as a matrix: every documented route × every
 * kind of credential of one admin (the strongest user, so only the credential can refuse), with the
 * status each must get, and for every refused write the tables re-read unchanged.
 */
const CREDENTIALS = ['token', 'full', 'readOnly', 'group', 'allowList', 'expired'] as const;
type Credential = (typeof CREDENTIALS)[number];
const NARROWED: Credential[] = ['group', 'allowList'];
const READ_ONLY: Credential[] = ['readOnly', 'group', 'allowList'];

interface Target {
  path: string;
  body?: object;
}
interface Row {
  make: () => Promise<Target> | Target;
  /** Statuses for token, full key, read-only key, group key, allow-list key, expired key. */
  expected: [number, number, number, number, number, number];
  /** What a successful read must show to this credential. */
  check?: (body: Json, credential: Credential) => void;
}

const OUTSIDE = 'm/outside';
const INSIDE = 'm/inside';
/** Accounts and credentials: sign-in tokens only. */
const account = (ok: number): Row['expected'] => [ok, 403, 403, 403, 403, 401];
const modelWrite = (ok: number): Row['expected'] => [ok, ok, 403, 403, 403, 401];
const read: Row['expected'] = [200, 200, 200, 200, 200, 401];
const narrowedRead: Row['expected'] = [200, 200, 200, 404, 404, 401];
const open: Row['expected'] = [200, 200, 200, 200, 200, 200];
const showsOutside = (ids: string[], credential: Credential) =>
  expect(ids.includes(OUTSIDE)).toBe(!NARROWED.includes(credential));
const ids = (items: Json[]): string[] => items.map((item: { id: string }) => item.id);

describe('API keys never have more power than they say: every route × every credential', () => {
  let t: TestApp;
  let admin: Actor;
  let user: Actor;
  let groupId: string;
  const credential = {} as Record<Credential, string>;
  let serial = 0;
  const unique = (prefix: string) => `${prefix}-${(serial += 1)}`;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Admin');
    user = await createUser(t, admin, { name: 'Member' });
    groupId = await createGroup(t, admin, 'key-team', [admin.id, user.id]);
    await createBaseModel(t, admin, { id: 'acme/base' });
    await createCustomModel(t, admin, {
      id: INSIDE,
      base_model_id: 'acme/base',
      access_grants: [groupGrant(groupId)],
    });
    await createCustomModel(t, admin, {
      id: OUTSIDE,
      base_model_id: 'acme/base',
      params: { system: 'secret prompt' },
      meta: { tags: ['outside-tag'], profile_image_url: `data:image/png;base64,${TINY_PNG_BASE64}` },
    });
    credential.token = admin.token;
    credential.full = (await createApiKey(t, admin)).key;
    credential.readOnly = (await createApiKey(t, admin, { read_only: true })).key;
    credential.group = (await createApiKey(t, admin, { group_id: groupId })).key;
    credential.allowList = (await createApiKey(t, admin, { models: [INSIDE] })).key;
    const expiring = await createApiKey(t, admin, { expires_at: Math.floor(Date.now() / 1000) + 3600 });
    await t.dataSource.query('UPDATE api_keys SET expires_at = 1 WHERE id = $1', [expiring.id]);
    credential.expired = expiring.key;
  });
  afterAll(() => t.close());

  const freshUser = async () => (await createUser(t, admin)).id;
  const freshGroup = () => createGroup(t, admin, unique('group'), []);
  /** A private model of the admin's, outside every narrowing: a write target only full credentials may change. */
  const freshModel = async () =>
    (await createCustomModel(t, admin, { id: unique('m/target'), base_model_id: 'acme/base' })).id as string;

  const rows: Record<string, Row> = {
    'GET /health': { make: () => ({ path: '/health' }), expected: open },
    'POST /api/auths/signup': {
      make: () => ({
        path: '/api/auths/signup',
        body: { name: 'New', email: `${unique('signup')}@example.test`, password: DEFAULT_PASSWORD },
      }),
      expected: open,
    },
    'POST /api/auths/signin': {
      make: () => ({ path: '/api/auths/signin', body: { email: user.email, password: DEFAULT_PASSWORD } }),
      expected: open,
    },
    'GET /api/auths': { make: () => ({ path: '/api/auths' }), expected: read },
    'POST /api/auths/signout': { make: () => ({ path: '/api/auths/signout' }), expected: open },
    'GET /api/auths/signout': { make: () => ({ path: '/api/auths/signout' }), expected: open },
    'GET /api/users': { make: () => ({ path: '/api/users' }), expected: read },
    'POST /api/users': {
      make: () => ({
        path: '/api/users',
        body: { name: 'Made', email: `${unique('made')}@example.test`, password: DEFAULT_PASSWORD },
      }),
      expected: account(201),
    },
    'GET /api/users/{id}': { make: () => ({ path: `/api/users/${user.id}` }), expected: read },
    'GET /api/users/search': { make: () => ({ path: '/api/users/search?query=member' }), expected: read },
    'GET /api/users/{id}/info': { make: () => ({ path: `/api/users/${user.id}/info` }), expected: read },
    'PATCH /api/users/{id}': {
      // The password change: the only route that changes a password.
      make: async () => ({
        path: `/api/users/${await freshUser()}`,
        body: { name: 'Renamed', password: 'another-horse-battery', role: 'admin' },
      }),
      expected: account(200),
    },
    'DELETE /api/users/{id}': {
      make: async () => ({ path: `/api/users/${await freshUser()}` }),
      expected: account(200),
    },
    'GET /api/groups': { make: () => ({ path: '/api/groups' }), expected: read },
    'POST /api/groups': {
      make: () => ({ path: '/api/groups', body: { name: unique('new') } }),
      expected: account(201),
    },
    'GET /api/groups/{id}': { make: () => ({ path: `/api/groups/${groupId}` }), expected: read },
    'GET /api/groups/{id}/info': { make: () => ({ path: `/api/groups/${groupId}/info` }), expected: read },
    'GET /api/groups/id/{id}/info': { make: () => ({ path: `/api/groups/id/${groupId}/info` }), expected: read },
    'PATCH /api/groups/{id}': {
      make: async () => ({ path: `/api/groups/${await freshGroup()}`, body: { description: 'changed' } }),
      expected: account(200),
    },
    'DELETE /api/groups/{id}': {
      make: async () => ({ path: `/api/groups/${await freshGroup()}` }),
      expected: account(200),
    },
    'POST /api/groups/{id}/members': {
      make: async () => ({ path: `/api/groups/${await freshGroup()}/members`, body: { user_ids: [user.id] } }),
      expected: account(200),
    },
    'DELETE /api/groups/{id}/members/{userId}': {
      make: async () => ({
        path: `/api/groups/${await createGroup(t, admin, unique('g'), [user.id])}/members/${user.id}`,
      }),
      expected: account(200),
    },
    'GET /api/keys': { make: () => ({ path: '/api/keys' }), expected: account(200) },
    'GET /api/audit': {
      make: () => ({ path: '/api/audit' }),
      expected: read,
      // The admin's full credentials see every record; a read-only or narrowed key is a reader: none.
      check: (body, c) => expect(body.total > 0).toBe(!READ_ONLY.includes(c)),
    },
    'POST /api/keys': { make: () => ({ path: '/api/keys', body: { name: 'escalated' } }), expected: account(201) },
    'DELETE /api/keys/{id}': {
      make: async () => ({ path: `/api/keys/${(await createApiKey(t, admin)).id}` }),
      expected: account(200),
    },
    'GET /api/models/list': {
      make: () => ({ path: '/api/models/list' }),
      expected: read,
      check: (body, c) => {
        showsOutside(ids(body.items), c);
        expect(body.total).toBe(body.items.length);
        if (READ_ONLY.includes(c)) expect(body.items.filter((m: Json) => m.write_access)).toEqual([]);
      },
    },
    'GET /api/models/tags': {
      make: () => ({ path: '/api/models/tags' }),
      expected: read,
      check: (body, c) => expect((body as string[]).includes('outside-tag')).toBe(!NARROWED.includes(c)),
    },
    'GET /api/models': {
      make: () => ({ path: '/api/models' }),
      expected: read,
      check: (body, c) => showsOutside(ids(body.data), c),
    },
    'GET /api/models/base': {
      make: () => ({ path: '/api/models/base' }),
      expected: read,
      check: (body, c) => expect(ids(body.data)).toEqual(c === 'allowList' ? [] : ['acme/base']),
    },
    'GET /api/v1/models/base': {
      make: () => ({ path: '/api/v1/models/base' }),
      expected: read,
      check: (body, c) => expect(ids(body)).toEqual(c === 'allowList' ? [] : ['acme/base']),
    },
    'GET /api/v1/models/base/tags': { make: () => ({ path: '/api/v1/models/base/tags' }), expected: read },
    'GET /api/v1/models/all': {
      make: () => ({ path: '/api/v1/models/all' }),
      expected: account(200),
      check: (body) => expect(ids(body)).toContain(OUTSIDE),
    },
    'POST /api/models/create': {
      make: () => ({
        path: '/api/models/create',
        body: { id: unique('m/new'), name: 'n', base_model_id: 'acme/base' },
      }),
      expected: modelWrite(201),
    },
    'GET /api/models/model': {
      make: () => ({ path: `/api/models/model?id=${OUTSIDE}` }),
      expected: narrowedRead,
      check: (body, c) => {
        const writer = !READ_ONLY.includes(c);
        expect(body.write_access).toBe(writer);
        expect(body.params).toEqual(writer ? { system: 'secret prompt' } : {});
      },
    },
    'GET /api/models/model/access/explain': {
      make: () => ({ path: `/api/models/model/access/explain?id=${OUTSIDE}` }),
      // It shows who else has access, which readers do not see: read-only keys are 403 once they can read it.
      expected: [200, 200, 403, 404, 404, 401],
      // Without key_id it explains the account, not the key asking: the admin owns it and bypasses.
      check: (body) => expect(body).toMatchObject({ can_write: true, because: [{ rule: 'admin' }, { rule: 'owner' }] }),
    },
    'GET /api/models/model/profile/image': {
      make: () => ({ path: `/api/models/model/profile/image?id=${OUTSIDE}` }),
      expected: narrowedRead,
    },
    'POST /api/models/model/update': {
      make: async () => ({ path: '/api/models/model/update', body: { id: await freshModel(), name: 'Renamed' } }),
      expected: modelWrite(200),
    },
    'POST /api/models/model/access/update': {
      make: async () => ({
        path: '/api/models/model/access/update',
        body: { id: await freshModel(), access_grants: [userGrant(user.id, 'write')] },
      }),
      expected: modelWrite(200),
    },
    'POST /api/models/model/toggle': {
      make: async () => ({ path: `/api/models/model/toggle?id=${await freshModel()}` }),
      expected: modelWrite(200),
    },
    'GET /api/models/model/history': {
      make: () => ({ path: `/api/models/model/history?id=${OUTSIDE}` }),
      // Writers only: a read-only key is a reader (403), a narrowed one does not see the model (404).
      expected: [200, 200, 403, 404, 404, 401],
      check: (body) => expect(body.items[0].snapshot.params).toEqual({ system: 'secret prompt' }),
    },
    'POST /api/models/model/restore': {
      make: async () => ({ path: '/api/models/model/restore', body: { id: await freshModel(), version: 1 } }),
      expected: modelWrite(200),
    },
    'POST /api/models/model/delete': {
      make: async () => ({ path: '/api/models/model/delete', body: { id: await freshModel() } }),
      expected: modelWrite(200),
    },
    'POST /api/models/model/clone': {
      make: () => ({ path: '/api/models/model/clone', body: { id: OUTSIDE, new_id: unique('m/clone') } }),
      expected: modelWrite(201),
    },
    'POST /api/models/model/transfer': {
      make: async () => ({ path: '/api/models/model/transfer', body: { id: await freshModel(), user_id: user.id } }),
      expected: modelWrite(200),
    },
    'POST /api/models/bulk': {
      make: async () => ({ path: '/api/models/bulk', body: { filter: { ids: [await freshModel()] }, action: 'hide' } }),
      expected: modelWrite(200),
    },
    'GET /api/models/export': {
      make: () => ({ path: '/api/models/export' }),
      expected: read,
      check: (body, c) => (READ_ONLY.includes(c) ? expect(body).toEqual([]) : expect(ids(body)).toContain(OUTSIDE)),
    },
    'POST /api/models/import': {
      make: async () => ({
        path: '/api/models/import',
        body: { models: [{ id: await freshModel(), name: 'Overwritten', base_model_id: 'acme/base' }] },
      }),
      expected: modelWrite(200),
    },
    'GET /v1/models': {
      make: () => ({ path: '/v1/models' }),
      expected: read,
      check: (body, c) => showsOutside(ids(body.data), c),
    },
    'GET /v1beta/models': {
      make: () => ({ path: '/v1beta/models' }),
      expected: read,
      check: (body, c) =>
        showsOutside(
          body.models.map((m: { name: string }) => m.name.replace(/^models\//, '')),
          c,
        ),
    },
    'GET /v1/models/{id}': { make: () => ({ path: `/v1/models/${OUTSIDE}` }), expected: narrowedRead },
    'GET /v1beta/models/{id}': { make: () => ({ path: `/v1beta/models/${OUTSIDE}` }), expected: narrowedRead },
    // Last: the token's success deletes every custom model the rows above read.
    'DELETE /api/v1/models/delete/all': { make: () => ({ path: '/api/v1/models/delete/all' }), expected: account(200) },
  };

  it('has a row for every route the app documents (so a new route cannot skip this matrix)', async () => {
    const documented = (await openApiOperations(t)).map(label).sort();
    expect(Object.keys(rows).sort()).toEqual(documented);
  });

  it('reads the gateway list with a narrowed key in every client format', async () => {
    const anthropic = await request(t.server)
      .get('/v1/models')
      .set({ 'x-api-key': credential.allowList, 'anthropic-version': '2023-06-01' })
      .expect(200);
    expect(ids(anthropic.body.data)).toEqual([INSIDE]);
    const gemini = await request(t.server).get('/v1beta/models').set('x-goog-api-key', credential.group).expect(200);
    expect(gemini.body.models.map((m: { name: string }) => m.name)).toEqual(['models/acme/base', `models/${INSIDE}`]);
  });

  it('lets a read-only key HEAD, and refuses its write to a missing model with 403, before any lookup', async () => {
    await request(t.server).head(`/api/models/model?id=${INSIDE}`).set(bearer(credential.readOnly)).expect(200);
    const res = await request(t.server)
      .post('/api/models/model/delete')
      .set(bearer(credential.readOnly))
      .send({ id: 'does/not-exist' })
      .expect(403);
    expect(res.body.detail).toMatch(/read-only/);
  });

  const cases = Object.entries(rows).flatMap(([route, row]) =>
    CREDENTIALS.map((c, i) => [route, c, row.expected[i], row] as const),
  );

  it.each(cases)('%s with %s answers %i', async (route, c, expected, row) => {
    const [method, ...rest] = route.split(' ');
    expect(rest.length).toBe(1);
    const { path, body } = await row.make();
    const refusedWrite = method !== 'GET' && expected >= 400;
    const before = refusedWrite ? await snapshotTables(t.dataSource) : null;
    const call = request(t.server)[method.toLowerCase() as 'get'](path).set(bearer(credential[c]));
    const res = await (body ? call.send(body) : call);
    expect({ status: res.status, detail: res.body?.detail as unknown }).toMatchObject({ status: expected });
    if (expected === 403) {
      const writersOnly = method !== 'GET' || route === 'GET /api/models/model/history';
      const readOnlyWrite = writersOnly && READ_ONLY.includes(c);
      expect(res.body.detail).toMatch(readOnlyWrite ? /API key is read-only/ : /needs a sign-in token/);
    }
    if (before) expect(await snapshotTables(t.dataSource)).toEqual(before);
    if (expected === 200 && row.check) row.check(res.body, c);
  });
});
