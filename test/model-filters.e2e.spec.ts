import request from 'supertest';
import { Actor, createApiKey, createUser, signUp } from './support/actors';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  inPool,
  Json,
  listAll,
  modelApi,
} from './support/model-fixtures';
import {
  byId,
  expectedList,
  type FilterQuery,
  filterMatches,
  filterQueryString,
  newestFirst,
  type ShownValues,
} from './support/oracle';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The content filters (docs/api.md "Filters", docs/gateway.md) on the workspace list and the three
 * gateway lists, checked against the oracle on values as shown: inherited ones included.
 */

interface Seeded {
  id: string;
  createdAt: number;
  shown: ShownValues;
}

const ANTHROPIC = { 'anthropic-version': '2023-06-01' };

const BASES = [
  {
    id: 'prov/chat-big',
    owned_by: 'openai',
    supported_endpoint_types: ['chat'],
    pricing: { input_per_million: 2.5, output_per_million: 10, currency: 'USD' },
    context_length: 128000,
    meta: { capabilities: { vision: true } },
  },
  { id: 'prov/embed', owned_by: 'acme', supported_endpoint_types: ['embedding'], context_length: 8000 },
  { id: 'prov/plain', owned_by: 'plain-co', pricing: { input_per_million: 1, currency: 'EUR' } },
];

/** Custom models (alice's): most inherit what they do not set. */
const CUSTOMS = [
  { id: 'alice/inherits-all', base_model_id: 'prov/chat-big', meta: { capabilities: { vision: true, tools: true } } },
  {
    id: 'alice/own-values',
    base_model_id: 'prov/chat-big',
    owned_by: 'me',
    pricing: { input_per_million: 10, currency: 'USD' },
    context_length: 4000,
    meta: { capabilities: { vision: true, tools: false } },
  },
  { id: 'alice/embedder', base_model_id: 'prov/embed', meta: {} },
  {
    id: 'alice/completer',
    base_model_id: 'prov/plain',
    supported_endpoint_types: ['completion', 'chat'],
    meta: { capabilities: { tools: true, web: 'yes' } },
  },
  { id: 'alice/free-ish', base_model_id: 'prov/plain', pricing: { input_per_million: 0, currency: 'USD' } },
];

/** Each filter alone, repeated, and combined. */
const QUERIES: FilterQuery[] = [
  { endpoint_type: ['chat'] },
  { endpoint_type: ['embedding'] },
  { endpoint_type: ['embedding', 'completion'] },
  { endpoint_type: ['rerank'] },
  { owned_by: ['openai'] },
  { owned_by: ['plain-co', 'me'] },
  { capability: ['vision'] },
  { capability: ['vision', 'tools'] },
  { capability: ['web'] },
  { min_context_length: 8000 },
  { min_context_length: 0 },
  { max_input_price: 2.5 },
  { max_input_price: 0 },
  { max_input_price: 1000 },
  { endpoint_type: ['chat'], capability: ['tools'], max_input_price: 5 },
];

function shownOf(model: Json, base: Json): ShownValues {
  const pick = (field: string) => model[field] ?? base?.[field] ?? null;
  return {
    endpointTypes: pick('supported_endpoint_types') ?? ['chat'],
    ownedBy: pick('owned_by'),
    capabilities: model.meta?.capabilities ?? {},
    contextLength: pick('context_length'),
    inputPrice: pick('pricing')?.input_per_million ?? null,
  };
}

describe('model list filters', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor & { groups: string[] };
  let aliceKey: string;
  const bases: Seeded[] = [];
  const customs: Seeded[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    alice = { ...(await createUser(t, admin, { name: 'Alice' })), groups: [] };
    aliceKey = (await createApiKey(t, alice)).key;
    const byBase = new Map<string, Json>();
    for (const body of BASES) {
      const base = await createBaseModel(t, admin, { name: body.id, ...body });
      byBase.set(base.id, body);
      bases.push({ id: base.id, createdAt: base.created_at, shown: shownOf(body, undefined) });
    }
    for (const body of CUSTOMS) {
      const model = await createCustomModel(t, alice, body);
      customs.push({ id: model.id, createdAt: model.created_at, shown: shownOf(body, byBase.get(body.base_model_id)) });
    }
    // created_at has whole seconds: models made within one second would order by id, and where a
    // second boundary fell would decide which side of alice/embedder the others land (cursor
    // tests below). One second apart, in the order made, the order is the same on every run.
    const first = bases[0].createdAt;
    for (const [index, model] of [...bases, ...customs].entries()) {
      model.createdAt = first + index;
      await t.dataSource.query('UPDATE models SET created_at = $2 WHERE id = $1', [model.id, model.createdAt]);
    }
  });
  afterAll(() => t?.close());

  const oracleModels = () =>
    customs.map((m) => ({
      ...m,
      owner: alice,
      grants: [],
      name: m.id,
      baseModelId: '',
      description: null,
      tags: [],
      updatedAt: m.createdAt,
    }));
  const gatewayExpected = (q: FilterQuery) => [...bases, ...customs].filter((m) => filterMatches(m.shown, q));
  const get = (path: string, query: string, headers: Record<string, string>) =>
    request(t.server)
      .get(query ? `${path}?${query}` : path)
      .set(headers);

  it.each(QUERIES)('filters the workspace list as shown: %j', async (q) => {
    const res = await get('/api/models/list', filterQueryString(q), { Authorization: `Bearer ${alice.token}` });
    expect(res.status).toBe(200);
    const expected = expectedList(alice, oracleModels(), q);
    expect(res.body.items.map((m: Json) => m.id)).toEqual(expected);
    expect(res.body.total).toBe(expected.length);
  });

  it.each(QUERIES)('filters /v1/models in every format, paging included: %j', async (q) => {
    const query = filterQueryString(q);
    const expected = gatewayExpected(q);
    const openAi = await get('/v1/models', query, { Authorization: `Bearer ${aliceKey}` });
    expect(openAi.status).toBe(200);
    expect(openAi.body.data.map((m: Json) => m.id)).toEqual(byId(expected).map((m) => m.id));

    // One model a page, so every page boundary is crossed with the filter applied.
    const anthropicIds: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const paging: string = `limit=1${after ? `&after_id=${encodeURIComponent(after)}` : ''}`;
      const res = await get('/v1/models', [query, paging].filter(Boolean).join('&'), {
        ...ANTHROPIC,
        'x-api-key': aliceKey,
      });
      expect(res.status).toBe(200);
      anthropicIds.push(...res.body.data.map((m: Json) => m.id));
      if (!res.body.has_more) break;
      after = res.body.last_id;
    }
    expect(anthropicIds).toEqual(newestFirst(expected).map((m) => m.id));

    const geminiIds: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const paging = `pageSize=1${token ? `&pageToken=${token}` : ''}`;
      const res = await get('/v1beta/models', [query, paging].filter(Boolean).join('&'), {
        'x-goog-api-key': aliceKey,
      });
      expect(res.status).toBe(200);
      geminiIds.push(...res.body.models.map((m: Json) => (m.name as string).slice('models/'.length)));
      token = res.body.nextPageToken;
      if (!token) break;
    }
    expect(geminiIds).toEqual(byId(expected).map((m) => m.id));
  });

  it('keeps totals across pages of a filtered workspace list', async () => {
    const ids = Array.from({ length: 32 }, (_, i) => `alice/bulk-${String(i).padStart(2, '0')}`);
    await inPool(ids, 4, async (id) => {
      await createCustomModel(t, alice, { id, base_model_id: 'prov/embed', meta: { capabilities: { bulk: true } } });
    });
    const walked = await listAll(t, alice, { capability: 'bulk', endpoint_type: 'embedding' });
    expect(walked.totals).toEqual([32, 32]);
    expect(walked.pageSizes).toEqual([30, 2]);
    expect([...walked.ids].sort()).toEqual(ids);
  });

  it('gives a filtered answer its own ETag', async () => {
    const headers = { Authorization: `Bearer ${aliceKey}` };
    const all = await get('/v1/models', '', headers);
    const vision = await get('/v1/models', 'capability=vision', headers);
    expect(vision.headers.etag).toBeDefined();
    expect(vision.headers.etag).not.toEqual(all.headers.etag);
    const again = await get('/v1/models', 'capability=vision', { ...headers, 'If-None-Match': vision.headers.etag });
    expect(again.status).toBe(304);
    const other = await get('/v1/models', 'capability=tools', { ...headers, 'If-None-Match': vision.headers.etag });
    expect(other.status).toBe(200);
  });

  it('gives the same tag to the same set of filter values in another order', async () => {
    const headers = { Authorization: `Bearer ${aliceKey}` };
    const first = await get('/v1/models', 'capability=vision&capability=tools&owned_by=me&owned_by=openai', headers);
    expect(first.status).toBe(200);
    const reordered = await get('/v1/models', 'owned_by=openai&capability=tools&owned_by=me&capability=vision', {
      ...headers,
      'If-None-Match': first.headers.etag,
    });
    expect(reordered.status).toBe(304);
    const workspace = { Authorization: `Bearer ${alice.token}` };
    const list = await get('/api/models/list', 'endpoint_type=chat&endpoint_type=embedding', workspace);
    const swapped = await get('/api/models/list', 'endpoint_type=embedding&endpoint_type=chat', workspace);
    expect(swapped.headers.etag).toBe(list.headers.etag);
    expect(swapped.body).toEqual(list.body);
  });

  describe('Anthropic cursors naming a model the filter leaves out', () => {
    // alice/embedder serves embeddings only: endpoint_type=chat leaves it out, yet it is alice's to
    // list. Created between chat models, so the filtered list goes on on both sides of it.
    const cursorModel = () => customs.find((m) => m.id === 'alice/embedder') as Seeded;
    const q: FilterQuery = { endpoint_type: ['chat'] };
    /** The filtered list, newest first, with the cursor's model in its place. */
    const around = () => {
      const order = newestFirst([...gatewayExpected(q), cursorModel()]).map((m) => m.id);
      const at = order.indexOf(cursorModel().id);
      return { newer: order.slice(0, at), older: order.slice(at + 1) };
    };
    const anthropic = (paging: string) =>
      get('/v1/models', `${filterQueryString(q)}&${paging}`, { ...ANTHROPIC, 'x-api-key': aliceKey });

    it('is a position: after_id pages on from where that model would be', async () => {
      const res = await anthropic(`limit=100&after_id=${encodeURIComponent(cursorModel().id)}`);
      expect(res.status).toBe(200);
      expect(around().older.length).toBeGreaterThan(0);
      expect(res.body.data.map((m: Json) => m.id)).toEqual(around().older);
      expect(res.body.data.map((m: Json) => m.id)).not.toContain(cursorModel().id);
    });

    it('is a position: before_id pages back from it', async () => {
      const res = await anthropic(`limit=100&before_id=${encodeURIComponent(cursorModel().id)}`);
      expect(res.status).toBe(200);
      expect(around().newer.length).toBeGreaterThan(0);
      expect(res.body.data.map((m: Json) => m.id)).toEqual(around().newer);
    });

    it('still needs a model the caller may list: another is a 400 that reveals nothing', async () => {
      const res = await anthropic('after_id=nobody%2Fnothing');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('after_id');
    });
  });

  const BAD: Array<[string, string]> = [
    ['endpoint_type', 'endpoint_type=video'],
    ['min_context_length', 'min_context_length=-1'],
    ['min_context_length', 'min_context_length=1e3'],
    ['min_context_length', 'min_context_length=1&min_context_length=2'],
    ['max_input_price', 'max_input_price=cheap'],
    ['max_input_price', 'max_input_price=-0.5'],
    ['capability', 'capability=a%01b'],
    ['owned_by', `owned_by=${'x'.repeat(300)}`],
  ];

  it.each(BAD)('answers 400 naming %s in each family’s shape (%s)', async (name, query) => {
    const workspace = await get('/api/models/list', query, { Authorization: `Bearer ${alice.token}` });
    expectApiError(workspace, 400, name);
    const openAi = await get('/v1/models', query, { Authorization: `Bearer ${aliceKey}` });
    expect(openAi.status).toBe(400);
    expect(openAi.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect(openAi.body.error.message).toContain(name);
    const anthropic = await get('/v1/models', query, { ...ANTHROPIC, 'x-api-key': aliceKey });
    expect(anthropic.status).toBe(400);
    expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(anthropic.body.error.message).toContain(name);
    const gemini = await get('/v1beta/models', query, { 'x-goog-api-key': aliceKey });
    expect(gemini.status).toBe(400);
    expect(gemini.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(gemini.body.error.message).toContain(name);
  });

  it('moves a custom model in or out when its base model’s inherited value changes, with a new tag', async () => {
    await createBaseModel(t, admin, { id: 'prov/moving', pricing: { input_per_million: 3, currency: 'USD' } });
    await createCustomModel(t, alice, {
      id: 'alice/mover',
      base_model_id: 'prov/moving',
      meta: { capabilities: { moving: true } },
    });
    const query = 'capability=moving&max_input_price=2';
    const headers = { Authorization: `Bearer ${aliceKey}` };
    const before = await get('/v1/models', query, headers);
    expect(before.body.data).toEqual([]);
    const workspace = { Authorization: `Bearer ${alice.token}` };
    expect((await get('/api/models/list', query, workspace)).body.total).toBe(0);

    const update = await modelApi(t, admin).update({
      id: 'prov/moving',
      pricing: { input_per_million: 1.5, currency: 'USD' },
    });
    expect(update.status).toBe(200);
    const after = await get('/v1/models', query, { ...headers, 'If-None-Match': before.headers.etag });
    expect(after.status).toBe(200);
    expect(after.body.data.map((m: Json) => m.id)).toEqual(['alice/mover']);
    const list = await get('/api/models/list', query, workspace);
    expect({ ids: list.body.items.map((m: Json) => m.id), total: list.body.total }).toEqual({
      ids: ['alice/mover'],
      total: 1,
    });
  });
});
