import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import {
  buildGatewayWorld,
  expectedModels,
  GatewayCaller,
  GatewayWorld,
  newestFirst,
  seed,
} from './support/gateway-world';
import { startTestApp, TestApp } from './support/test-app';

/** The gateway as each SDK's users call it: the real client libraries, pointed at the test server. */
describe('gateway model lists through the official SDKs', () => {
  let t: TestApp;
  let w: GatewayWorld;

  beforeAll(async () => {
    t = await startTestApp();
    w = await buildGatewayWorld(t);
  });
  afterAll(() => t?.close());

  const labels = () => w.callers.map((c) => c.label);
  const LABELS = [
    'alice key',
    'alice key for team',
    'alice key for solo',
    'alice key with allow-list',
    'alice key for team with allow-list',
    'alice sign-in token',
    'bob key',
    'carol key',
    'admin key',
  ];
  const apiKeyCallers = LABELS.filter((label) => label !== 'alice sign-in token');

  it('covers every caller the world created', () => {
    expect(labels()).toEqual(LABELS);
  });

  it('has an oracle that agrees with hand-picked cases', () => {
    const ids = (label: string) => expectedModels(w, w.caller(label)).map((m) => m.id);
    expect(ids('alice key with allow-list')).toEqual(['alice/coder', 'bob/for-team', 'openai/gpt-4o']);
    expect(ids('alice key for team with allow-list')).toEqual(['bob/for-team', 'openai/gpt-4o']);
    expect(ids('alice key for team')).toEqual(expect.arrayContaining(['gemini-2.0-flash', 'alice/team-helper']));
    expect(ids('alice key for team')).not.toContain('alice/coder');
    expect(ids('alice key for solo')).toEqual(expect.arrayContaining(['carol/for-solo', 'openai/gpt-4o']));
    expect(ids('alice key for solo')).not.toContain('bob/for-alice');
    expect(ids('alice key')).toEqual(ids('alice sign-in token'));
    expect(ids('alice key')).toEqual(expect.arrayContaining(['alice/coder', 'bob/for-alice', 'carol/for-solo']));
    expect(ids('alice key')).not.toEqual(expect.arrayContaining(['alice/old']));
    expect(ids('carol key')).toContain('carol/private');
    expect(ids('admin key')).toEqual(expect.arrayContaining(['secret-base', 'bob/private', 'carol/private']));
    expect(ids('admin key')).not.toContain('retired-base');
    expect(ids('admin key').length).toBeGreaterThan(20);
  });

  describe('openai', () => {
    const client = (caller: GatewayCaller) =>
      new OpenAI({ apiKey: caller.credential, baseURL: `${t.baseUrl}/v1`, maxRetries: 0 });

    it.each(LABELS)('lists exactly the models %s may use, sorted by id', async (label) => {
      const caller = w.caller(label);
      const ids: string[] = [];
      for await (const model of client(caller).models.list()) ids.push(model.id);
      expect(ids).toEqual(expectedModels(w, caller).map((m) => m.id));
    });

    it('retrieves a model whose id contains a slash, with its real creation time', async () => {
      const model = await client(w.caller('alice key')).models.retrieve('openai/gpt-4o');
      expect(model).toMatchObject({ id: 'openai/gpt-4o', object: 'model', owned_by: 'openai' });
      expect(model.created).toBe(seed(w, 'openai/gpt-4o').createdAt);
    });

    it('answers NotFoundError for a model the key may not use', async () => {
      const openai = client(w.caller('alice key for team'));
      await expect(openai.models.retrieve('alice/coder')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(openai.models.retrieve('bob/private')).rejects.toMatchObject({
        status: 404,
        code: 'model_not_found',
        type: 'invalid_request_error',
      });
    });

    it('answers AuthenticationError for an unknown key', async () => {
      const openai = new OpenAI({ apiKey: 'sk-not-a-real-key', baseURL: `${t.baseUrl}/v1`, maxRetries: 0 });
      await expect(openai.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    });
  });

  describe('anthropic', () => {
    const client = (caller: GatewayCaller) =>
      caller.credential.startsWith('sk-')
        ? new Anthropic({ apiKey: caller.credential, baseURL: t.baseUrl, maxRetries: 0 })
        : new Anthropic({ authToken: caller.credential, baseURL: t.baseUrl, maxRetries: 0 });

    it.each(LABELS)('auto-paginates over exactly the models %s may use, newest first', async (label) => {
      const caller = w.caller(label);
      const ids: string[] = [];
      for await (const model of client(caller).models.list({ limit: 3 })) ids.push(model.id);
      expect(ids).toEqual(newestFirst(expectedModels(w, caller)).map((m) => m.id));
    });

    it('walks page by page with has_more until the last page', async () => {
      const caller = w.caller('alice key');
      const expected = newestFirst(expectedModels(w, caller)).map((m) => m.id);
      let page = await client(caller).models.list({ limit: 4 });
      const pages = [page.data.map((m) => m.id)];
      while (page.hasNextPage()) {
        page = await page.getNextPage();
        pages.push(page.data.map((m) => m.id));
      }
      expect(pages.length).toBe(Math.ceil(expected.length / 4));
      expect(pages.flat()).toEqual(expected);
    });

    it('retrieves one model by id', async () => {
      const model = await client(w.caller('alice key')).models.retrieve('alice/coder');
      expect(model).toEqual({
        type: 'model',
        id: 'alice/coder',
        display_name: 'Model alice/coder',
        created_at: new Date(seed(w, 'alice/coder').createdAt * 1000).toISOString().replace('.000Z', 'Z'),
        // Inherited from its base model, openai/gpt-4o.
        max_input_tokens: 128000,
        max_tokens: 16384,
      });
    });

    it('answers NotFoundError for a model the key may not use', async () => {
      const anthropic = client(w.caller('bob key'));
      await expect(anthropic.models.retrieve('alice/coder')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    });
  });

  describe('gemini', () => {
    // Jest runs tests in their own global, where Node's undici dispatcher (which this SDK reaches for
    // by a global symbol) is missing; handing it Node's own fetch keeps the same transport.
    const client = (caller: GatewayCaller) =>
      new GoogleGenAI({ apiKey: caller.credential, httpOptions: { baseUrl: t.baseUrl, fetch: globalThis.fetch } });

    it.each(apiKeyCallers)('lists exactly the models %s may use, over every page', async (label) => {
      const caller = w.caller(label);
      const names: string[] = [];
      for await (const model of await client(caller).models.list({ config: { pageSize: 4 } })) {
        names.push(model.name ?? '');
      }
      expect(names).toEqual(expectedModels(w, caller).map((m) => `models/${m.id}`));
    });

    it('pages with pageSize and stops after the last page', async () => {
      const caller = w.caller('alice key');
      const expected = expectedModels(w, caller).map((m) => `models/${m.id}`);
      const pager = await client(caller).models.list({ config: { pageSize: 5 } });
      const pages = [pager.page.map((m) => m.name)];
      while (pager.hasNextPage()) pages.push((await pager.nextPage()).map((m) => m.name));
      expect(pages.length).toBe(Math.ceil(expected.length / 5));
      expect(pages.flat()).toEqual(expected);
    });

    it('gets one model by id, with or without the models/ prefix', async () => {
      const gemini = client(w.caller('alice key'));
      const model = await gemini.models.get({ model: 'openai/gpt-4o' });
      expect(model).toMatchObject({
        name: 'models/openai/gpt-4o',
        displayName: 'Model openai/gpt-4o',
        description: 'Flagship chat model',
        inputTokenLimit: 128000,
        outputTokenLimit: 16384,
        supportedActions: ['generateContent', 'streamGenerateContent', 'countTokens'],
      });
      expect((await gemini.models.get({ model: 'models/alice/coder' })).name).toBe('models/alice/coder');
    });

    it('answers a 404 ApiError for a model the key may not use', async () => {
      const error: unknown = await client(w.caller('alice key for solo'))
        .models.get({ model: 'alice/coder' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(404);
    });
  });
});
