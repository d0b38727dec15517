import request from 'supertest';
import { bearer } from './support/actors';
import {
  buildGatewayWorld,
  expectedModels,
  GatewayCaller,
  GatewayWorld,
  newestFirst,
  seed,
} from './support/gateway-world';
import { startTestApp, TestApp } from './support/test-app';

const ANTHROPIC = { 'anthropic-version': '2023-06-01' };
const PRICING = { input_per_million: 2.5, output_per_million: 10, per_request: null, currency: 'USD' };
const rfc3339 = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

describe('gateway model list formats', () => {
  let t: TestApp;
  let w: GatewayWorld;
  let alice: GatewayCaller;

  beforeAll(async () => {
    t = await startTestApp();
    w = await buildGatewayWorld(t);
    alice = w.caller('alice key');
  });
  afterAll(() => t?.close());

  const get = (path: string, headers: Record<string, string> = {}, query: Record<string, string | number> = {}) =>
    request(t.server).get(path).set(headers).query(query);
  const openAi = (path: string) => get(path, bearer(alice.credential));
  const anthropic = (path: string, query: Record<string, string | number> = {}) =>
    get(path, { ...ANTHROPIC, 'x-api-key': alice.credential }, query);
  const gemini = (path: string, query: Record<string, string | number> = {}) =>
    get(path, { 'x-goog-api-key': alice.credential }, query);

  describe('OpenAI', () => {
    it('answers a list with every field, custom models inheriting from their base model', async () => {
      const res = await openAi('/v1/models');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'object', 'success']);
      expect(res.body).toMatchObject({ object: 'list', success: true });
      const byId = new Map<string, Record<string, unknown>>(res.body.data.map((m: { id: string }) => [m.id, m]));
      const base = seed(w, 'openai/gpt-4o');
      expect(byId.get('openai/gpt-4o')).toEqual({
        id: 'openai/gpt-4o',
        object: 'model',
        name: base.name,
        created: base.createdAt,
        owned_by: 'openai',
        supported_endpoint_types: ['chat'],
        root: 'openai/gpt-4o',
        parent: null,
        permission: [
          {
            id: expect.stringMatching(/^modelperm-[0-9a-f]+$/),
            object: 'model_permission',
            created: base.createdAt,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
        pricing: PRICING,
        context_length: 128000,
      });
      expect(byId.get('alice/coder')).toMatchObject({
        name: seed(w, 'alice/coder').name,
        created: seed(w, 'alice/coder').createdAt,
        owned_by: 'openai',
        supported_endpoint_types: ['chat'],
        root: 'openai/gpt-4o',
        pricing: PRICING,
      });
      // Token limits are inherited from the base model like owned_by and pricing.
      expect(byId.get('alice/coder')).toHaveProperty('context_length', 128000);
      expect(byId.get('shared/embedder')).toMatchObject({ owned_by: 'registry-team', root: 'text-embedding-3-small' });
      expect(byId.get('shared/embedder')?.supported_endpoint_types).toEqual(['embedding']);
      expect(byId.get('shared/embedder')).not.toHaveProperty('pricing');
    });

    it('retrieves a model by an id with / and :, encoded or not', async () => {
      const list = (await openAi('/v1/models')).body.data as Array<{ id: string }>;
      for (const path of ['/v1/models/openai/gpt-4o', '/v1/models/openai%2Fgpt-4o']) {
        const res = await openAi(path);
        expect({ status: res.status, body: res.body }).toEqual({
          status: 200,
          body: list.find((m) => m.id === 'openai/gpt-4o'),
        });
      }
      expect((await openAi('/v1/models/vendor/imagen:3.0')).body.id).toBe('vendor/imagen:3.0');
    });
  });

  describe('Anthropic', () => {
    it('answers newest first with every field, 20 by default', async () => {
      const expected = newestFirst(expectedModels(w, alice));
      expect(expected.length).toBeGreaterThan(20);
      const res = await anthropic('/v1/models');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: expected.slice(0, 20).map((m) => expect.objectContaining({ type: 'model', id: m.id })),
        first_id: expected[0].id,
        last_id: expected[19].id,
        has_more: true,
      });
      const gpt = (await anthropic('/v1/models/openai/gpt-4o')).body;
      expect(gpt).toEqual({
        type: 'model',
        id: 'openai/gpt-4o',
        display_name: 'Model openai/gpt-4o',
        created_at: rfc3339(seed(w, 'openai/gpt-4o').createdAt),
        max_input_tokens: 128000,
        max_tokens: 16384,
      });
      expect(gpt.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('pages forwards with after_id and backwards with before_id', async () => {
      const ids = newestFirst(expectedModels(w, alice)).map((m) => m.id);
      const page = async (query: Record<string, string | number>) => (await anthropic('/v1/models', query)).body;
      const idsOf = (body: { data: Array<{ id: string }> }) => body.data.map((m) => m.id);

      const forwards = await page({ limit: 5, after_id: ids[4] });
      expect(idsOf(forwards)).toEqual(ids.slice(5, 10));
      expect(forwards).toMatchObject({ first_id: ids[5], last_id: ids[9], has_more: true });

      const backwards = await page({ limit: 3, before_id: ids[10] });
      expect(idsOf(backwards)).toEqual(ids.slice(7, 10));
      expect(backwards).toMatchObject({ first_id: ids[7], last_id: ids[9], has_more: true });

      const start = await page({ limit: 5, before_id: ids[2] });
      expect(idsOf(start)).toEqual(ids.slice(0, 2));
      expect(start.has_more).toBe(false);

      const between = await page({ limit: 100, after_id: ids[1], before_id: ids[5] });
      expect(idsOf(between)).toEqual(ids.slice(2, 5));

      expect(await page({ after_id: ids[ids.length - 1] })).toEqual({
        data: [],
        first_id: null,
        last_id: null,
        has_more: false,
      });
      expect(idsOf(await page({ limit: 1000 }))).toEqual(ids);
    });
  });

  describe('Gemini', () => {
    it('answers every field, with generation methods from the endpoint types', async () => {
      const res = await gemini('/v1beta/models');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['models']);
      const byName = new Map<string, Record<string, unknown>>(
        res.body.models.map((m: { name: string }) => [m.name, m]),
      );
      expect(byName.get('models/openai/gpt-4o')).toEqual({
        name: 'models/openai/gpt-4o',
        baseModelId: 'openai/gpt-4o',
        version: expect.stringMatching(/^\d+$/),
        displayName: 'Model openai/gpt-4o',
        description: 'Flagship chat model',
        inputTokenLimit: 128000,
        outputTokenLimit: 16384,
        supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
      });
      expect(byName.get('models/alice/coder')).toMatchObject({
        baseModelId: 'openai/gpt-4o',
        description: 'Writes code',
        inputTokenLimit: 128000,
        outputTokenLimit: 16384,
      });
      const methods = (id: string) => byName.get(`models/${id}`)?.supportedGenerationMethods;
      expect(methods('text-embedding-3-small')).toEqual(['embedContent', 'batchEmbedContents']);
      expect(methods('shared/embedder')).toEqual(['embedContent', 'batchEmbedContents']);
      expect(methods('claude-3-5-sonnet')).toEqual(['generateContent', 'streamGenerateContent', 'countTokens']);
      expect(methods('vendor/imagen:3.0')).toEqual(['predict']);
    });

    it('pages with pageSize and pageToken, in id order, leaving the token out on the last page', async () => {
      const expected = expectedModels(w, alice).map((m) => `models/${m.id}`);
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const res = await gemini('/v1beta/models', token ? { pageSize: 6, pageToken: token } : { pageSize: 6 });
        expect(res.status).toBe(200);
        names.push(...res.body.models.map((m: { name: string }) => m.name));
        token = res.body.nextPageToken;
        if (token !== undefined) expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        pages += 1;
      } while (token !== undefined && pages < 20);
      expect(pages).toBe(Math.ceil(expected.length / 6));
      expect(names).toEqual(expected);
    });

    it('gets one model at /v1beta/models/<id> and at the full name models/<id>', async () => {
      const res = await gemini('/v1beta/models/alice/coder');
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('models/alice/coder');
      expect((await gemini('/v1beta/models/models/alice/coder')).body).toEqual(res.body);
    });
  });

  describe('format selection', () => {
    const shapeOf = (body: Record<string, unknown>) =>
      'success' in body ? 'openai' : 'has_more' in body ? 'anthropic' : 'models' in body ? 'gemini' : 'unknown';

    it.each([
      ['a Bearer key', '/v1/models', () => bearer(alice.credential), {}, 'openai'],
      ['x-api-key alone', '/v1/models', () => ({ 'x-api-key': alice.credential }), {}, 'openai'],
      ['anthropic-version', '/v1/models', () => ({ ...ANTHROPIC, 'x-api-key': alice.credential }), {}, 'anthropic'],
      ['x-goog-api-key', '/v1/models', () => ({ 'x-goog-api-key': alice.credential }), {}, 'gemini'],
      ['?key=', '/v1/models', () => ({}), () => ({ key: alice.credential }), 'gemini'],
      [
        'anthropic-version over a Gemini key',
        '/v1/models',
        () => ({ ...ANTHROPIC, 'x-goog-api-key': alice.credential }),
        {},
        'anthropic',
      ],
      ['/v1beta with a Bearer token', '/v1beta/models', () => bearer(w.alice.token), {}, 'gemini'],
      [
        '/v1beta with anthropic-version',
        '/v1beta/models',
        () => ({ ...ANTHROPIC, ...bearer(alice.credential) }),
        {},
        'gemini',
      ],
    ])('%s answers the matching format', async (_, path, headers, query, family) => {
      const res = await get(path, headers(), typeof query === 'function' ? query() : query);
      expect(res.status).toBe(200);
      expect(shapeOf(res.body)).toBe(family);
    });

    it('answers the Gemini shape for one model when asked with ?key=', async () => {
      const res = await get('/v1/models/alice/coder', {}, { key: alice.credential });
      expect(res.body.name).toBe('models/alice/coder');
    });
  });
});
