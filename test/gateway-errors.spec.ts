import request from 'supertest';
import type { Response } from 'supertest';
import { Actor, bearer, createApiKey, createGroup, createUser } from './support/actors';
import { buildGatewayWorld, GatewayWorld } from './support/gateway-world';
import { startTestApp, TestApp } from './support/test-app';

type Family = 'openai' | 'anthropic' | 'gemini';
type Headers = Record<string, string>;

/** How each family's SDK sends a key, and the list path it calls. */
const ASK: Record<Family, { path: string; auth: (key: string) => Headers }> = {
  openai: { path: '/v1/models', auth: (key) => bearer(key) },
  anthropic: { path: '/v1/models', auth: (key) => ({ 'anthropic-version': '2023-06-01', 'x-api-key': key }) },
  gemini: { path: '/v1beta/models', auth: (key) => ({ 'x-goog-api-key': key }) },
};
const FAMILIES: Family[] = ['openai', 'anthropic', 'gemini'];

const OPENAI_KIND: Record<number, [string, string]> = {
  400: ['invalid_request_error', 'invalid_request'],
  401: ['authentication_error', 'invalid_api_key'],
  403: ['permission_error', 'insufficient_permissions'],
  404: ['invalid_request_error', 'model_not_found'],
};
const ANTHROPIC_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
};
const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
};

/** The family's error body, exactly, with the HTTP status it goes with. */
function expectFamilyError(res: Response, family: Family, status: number, code?: string): void {
  const message = expect.stringMatching(/\S/);
  const bodies: Record<Family, object> = {
    openai: {
      success: false,
      message,
      error: { message, type: OPENAI_KIND[status][0], code: code ?? OPENAI_KIND[status][1] },
    },
    anthropic: { type: 'error', error: { type: ANTHROPIC_TYPE[status], message } },
    gemini: { error: { code: status, message, status: GEMINI_STATUS[status] } },
  };
  expect({ status: res.status, body: res.body }).toEqual({ status, body: bodies[family] });
  if (family === 'openai') expect(res.body.error.message).toBe(res.body.message);
}

/** The /api error body (docs/errors.md). */
function expectApiError(res: Response, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { statusCode: status, error: expect.any(String), message: expect.any(String), detail: expect.any(String) },
  });
}

describe('gateway errors, in the shape of each client family', () => {
  let t: TestApp;
  let w: GatewayWorld;
  let aliceKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    w = await buildGatewayWorld(t);
    aliceKey = w.caller('alice key').credential;
  });
  afterAll(() => t?.close());

  const ask = (family: Family, key: string | null, path = ASK[family].path, query: Record<string, string> = {}) =>
    request(t.server)
      .get(path)
      .set(key === null ? {} : ASK[family].auth(key))
      .set(family === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {})
      .query(query);

  describe.each(FAMILIES)('%s', (family) => {
    const one = (id: string) => (family === 'gemini' ? `/v1beta/models/${id}` : `/v1/models/${id}`);

    it('answers 401 without credentials', async () => {
      expectFamilyError(await ask(family, null), family, 401);
    });

    it('answers 401 for an unknown key', async () => {
      expectFamilyError(await ask(family, 'sk-0000000000000000000000000000000000000000'), family, 401);
    });

    it('answers 401 for an expired key', async () => {
      const { id, key } = await createApiKey(t, w.alice);
      await t.dataSource.query(`UPDATE api_keys SET expires_at = 1000 WHERE id = $1`, [id]);
      expectFamilyError(await ask(family, key), family, 401);
    });

    it('answers 401 for a deleted key', async () => {
      const { id, key } = await createApiKey(t, w.alice);
      expect((await ask(family, key)).status).toBe(200);
      const deleted = await request(t.server).delete(`/api/keys/${id}`).set(bearer(w.alice.token));
      expect(deleted.status).toBeLessThan(300);
      expectFamilyError(await ask(family, key), family, 401);
    });

    it('answers 403 once the key group no longer holds its user', async () => {
      const dave: Actor = await createUser(t, w.admin, { name: `Dave ${family}` });
      const groupId = await createGroup(t, w.admin, `leaving ${family}`, [dave.id]);
      const { key } = await createApiKey(t, dave, { group_id: groupId });
      expect((await ask(family, key)).status).toBe(200);
      const removed = await request(t.server)
        .delete(`/api/groups/${groupId}/members/${dave.id}`)
        .set(bearer(w.admin.token));
      expect(removed.status).toBeLessThan(300);
      expectFamilyError(await ask(family, key), family, 403);
      expectFamilyError(await ask(family, key, one('openai/gpt-4o')), family, 403);
    });

    it.each([
      ['a model that does not exist', 'alice key', 'missing/model'],
      ['a model that exists but the caller cannot read', 'alice key', 'bob/private'],
      ['an inactive model the caller owns', 'alice key', 'alice/old'],
      ['a readable model outside the key allow-list', 'alice key with allow-list', 'claude-3-5-sonnet'],
      ['an owned model not granted to the key group', 'alice key for team', 'alice/coder'],
    ])('answers 404 for %s', async (_, label, id) => {
      const res = await ask(family, w.caller(label).credential, one(id));
      expectFamilyError(res, family, 404);
      expect(JSON.stringify(res.body)).toContain(id);
    });

    it('answers 404 for an unknown path', async () => {
      const path = family === 'gemini' ? '/v1beta/no-such-thing' : '/v1/no-such-thing';
      expectFamilyError(await ask(family, aliceKey, path), family, 404, 'unknown_url');
    });
  });

  describe('bad paging parameters answer 400', () => {
    it.each(['0', '1001', 'abc', '2.5', '-1'])('Anthropic limit=%s', async (limit) => {
      const res = await ask('anthropic', aliceKey, '/v1/models', { limit });
      expectFamilyError(res, 'anthropic', 400);
      expect(res.body.error.message).toMatch(/limit/);
    });

    it.each(['after_id', 'before_id'])('Anthropic %s naming no model, or one the caller cannot list', async (name) => {
      const unknown = await ask('anthropic', aliceKey, '/v1/models', { [name]: 'missing/model' });
      const hidden = await ask('anthropic', aliceKey, '/v1/models', { [name]: 'bob/private' });
      expectFamilyError(unknown, 'anthropic', 400);
      expectFamilyError(hidden, 'anthropic', 400);
      // The same answer whether the model exists or not: a cursor reveals nothing.
      expect(hidden.body.error.message.replace('bob/private', 'X')).toBe(
        unknown.body.error.message.replace('missing/model', 'X'),
      );
    });

    it.each(['0', '1001', 'ten'])('Gemini pageSize=%s', async (pageSize) => {
      const res = await ask('gemini', aliceKey, '/v1beta/models', { pageSize });
      expectFamilyError(res, 'gemini', 400);
      expect(res.body.error.message).toMatch(/pageSize/);
    });

    it.each([
      ['not base64url', 'not a token!'],
      ['base64url of something else', Buffer.from('hello').toString('base64url')],
      ['padded base64', Buffer.from('after:openai/gpt-4o').toString('base64')],
      ['an empty cursor', Buffer.from('after:').toString('base64url')],
    ])('Gemini pageToken that is %s', async (_, pageToken) => {
      const res = await ask('gemini', aliceKey, '/v1beta/models', { pageToken });
      expectFamilyError(res, 'gemini', 400);
      expect(res.body.error.message).toMatch(/pageToken/);
    });

    it('Gemini pageToken given as ?key= on /v1/models too', async () => {
      const res = await request(t.server).get('/v1/models').query({ key: aliceKey, pageToken: '%%%' });
      expectFamilyError(res, 'gemini', 400);
    });
  });

  it('answers a pending account 403 in the family shape', async () => {
    const pending = await createUser(t, w.admin, { role: 'pending', name: 'Pending' });
    const res = await request(t.server).get('/v1beta/models').set(bearer(pending.token));
    expectFamilyError(res, 'gemini', 403);
  });

  it('leaves errors outside /v1 and /v1beta in the API shape', async () => {
    expectApiError(await request(t.server).get('/api/models/list').set({ 'x-goog-api-key': aliceKey }), 401);
    expectApiError(await request(t.server).get('/v1models'), 404);
    expectApiError(await request(t.server).get('/api/v1/models/model').query({ id: 'missing' }), 401);
  });
});
