import request from 'supertest';
import { bearer, createApiKey, signUp, type Actor } from './support/actors';
import { createBaseModel, createCustomModel, modelApi, publicGrant } from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const ANTHROPIC = { 'anthropic-version': '2023-06-01' };
const HIDDEN = ['acme/b-hidden', 'acme/d-hidden'];
const SHOWN = ['acme/a-shown', 'acme/c-shown', 'acme/e-shown'];

/** docs/gateway.md "What is listed": `meta.hidden: true` models are left out of the lists only. */
describe('hidden models', () => {
  let t: TestApp;
  let admin: Actor;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Admin');
    await createBaseModel(t, admin, { id: 'acme/base' });
    // Created in id order, so newest-first (created_at, then id, both descending) is the same order
    // whether or not two of them share a timestamp: a hidden one always has shown ones on each side.
    for (const id of [...SHOWN, ...HIDDEN].sort()) {
      const hidden = HIDDEN.includes(id);
      await createCustomModel(t, admin, {
        id,
        base_model_id: 'acme/base',
        meta: hidden ? { hidden: true } : { hidden: false },
        access_grants: [publicGrant()],
      });
    }
    key = (await createApiKey(t, admin)).key;
  });
  afterAll(() => t?.close());

  const listed = ['acme/a-shown', 'acme/base', 'acme/c-shown', 'acme/e-shown'];
  const get = (path: string, headers: Record<string, string>, query: Record<string, string | number> = {}) =>
    request(t.server).get(path).set(headers).query(query).expect(200);

  it('leaves them out of the OpenAI list', async () => {
    const res = await get('/v1/models', bearer(key));
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual(listed);
  });

  it('leaves them out of the Anthropic pages, page boundaries and has_more included', async () => {
    const headers = { ...ANTHROPIC, 'x-api-key': key };
    const first = await get('/v1/models', headers, { limit: 2 });
    const rest = await get('/v1/models', headers, { limit: 2, after_id: first.body.last_id });
    const last = await get('/v1/models', headers, { limit: 2, after_id: rest.body.last_id });
    const ids = [first, rest, last].flatMap((res) => res.body.data.map((m: { id: string }) => m.id));
    expect(ids.sort()).toEqual([...listed].sort());
    expect([first.body.has_more, rest.body.has_more, last.body.has_more]).toEqual([true, false, false]);
    expect(last.body.data).toEqual([]);
  });

  it('takes a hidden model as an Anthropic cursor: a position, the model itself left out', async () => {
    const headers = { ...ANTHROPIC, 'x-api-key': key };
    const all = await get('/v1/models', headers, { limit: 100 });
    const order = all.body.data.map((m: { id: string }) => m.id) as string[];
    // Newest first, acme/b-hidden sorts where it was created: between acme/c-shown and acme/a-shown.
    const older = await get('/v1/models', headers, { limit: 100, after_id: 'acme/b-hidden' });
    const newer = await get('/v1/models', headers, { limit: 100, before_id: 'acme/b-hidden' });
    const after = older.body.data.map((m: { id: string }) => m.id);
    const before = newer.body.data.map((m: { id: string }) => m.id);
    expect([...before, ...after]).toEqual(order);
    expect(before.length * after.length).toBeGreaterThan(0);
  });

  it('leaves them out of the Gemini pages', async () => {
    const headers = { 'x-goog-api-key': key };
    const first = await get('/v1beta/models', headers, { pageSize: 3 });
    const second = await get('/v1beta/models', headers, { pageSize: 3, pageToken: first.body.nextPageToken });
    const names = [...first.body.models, ...second.body.models].map((m: { name: string }) => m.name);
    expect(names).toEqual(listed.map((id) => `models/${id}`));
    expect(second.body.nextPageToken).toBeUndefined();
  });

  it('still finds them by id on both gateway paths', async () => {
    for (const id of HIDDEN) {
      expect((await get(`/v1/models/${id}`, bearer(key))).body.id).toBe(id);
      expect((await get(`/v1beta/models/${id}`, { 'x-goog-api-key': key })).body.name).toBe(`models/${id}`);
    }
  });

  it('keeps them in the workspace list and in Open WebUI’s model list', async () => {
    const list = await modelApi(t, admin).list({ order_by: 'name', direction: 'asc' });
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([...SHOWN, ...HIDDEN].sort());
    expect(list.body.total).toBe(5);
    const owui = await get('/api/models', bearer(admin.token));
    expect(owui.body.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(HIDDEN));
  });

  it('lists a model again once it is unhidden', async () => {
    await modelApi(t, admin)
      .update({ id: HIDDEN[0], meta: { hidden: false } })
      .expect(200);
    const res = await get('/v1/models', bearer(key));
    expect(res.body.data.map((m: { id: string }) => m.id)).toContain(HIDDEN[0]);
    await modelApi(t, admin)
      .update({ id: HIDDEN[0], meta: { hidden: true } })
      .expect(200);
  });
});
