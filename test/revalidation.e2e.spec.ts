import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import request from 'supertest';
import { Actor, bearer, createApiKey, createGroup, createUser, signUp } from './support/actors';
import {
  createBaseModel,
  createCustomModel,
  groupGrant,
  modelApi,
  publicGrant,
  setGrants,
} from './support/model-fixtures';
import { startAppOnDatabase } from './support/app-on-database';
import { REVALIDATED_API_PATHS, REVALIDATED_GATEWAY_PATHS } from './support/revalidated-paths';
import { revalidatingFetch } from './support/revalidating-fetch';
import { startTestApp, TestApp } from './support/test-app';

const ROUTES = [...REVALIDATED_API_PATHS, ...REVALIDATED_GATEWAY_PATHS];

describe('ETag, If-None-Match and 304 on every list and model read', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;
  let teamId: string;

  const get = (path: string, actor: Actor | string, headers: Record<string, string> = {}) =>
    request(t.server)
      .get(path)
      .set(typeof actor === 'string' ? { 'x-api-key': actor } : bearer(actor.token))
      .set(headers);
  const tagOf = async (path: string, actor: Actor | string, headers: Record<string, string> = {}) => {
    const res = await get(path, actor, headers);
    expect(res.status).toBe(200);
    return res.headers.etag;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    alice = await createUser(t, admin, { name: 'Alice' });
    bob = await createUser(t, admin, { name: 'Bob' });
    teamId = await createGroup(t, admin, 'team', [alice.id, bob.id]);
    await createBaseModel(t, admin, { id: 'gpt-4o', meta: { tags: [{ name: 'base' }] } });
    await createCustomModel(t, bob, {
      id: 'team/helper',
      base_model_id: 'gpt-4o',
      access_grants: [groupGrant(teamId)],
    });
    await createCustomModel(t, bob, { id: 'bob/public', base_model_id: 'gpt-4o', access_grants: [publicGrant()] });
  });
  afterAll(() => t?.close());

  it.each(ROUTES)('%s: strong ETag, private no-cache, Vary on the credential; 304 without a body', async (path) => {
    const res = await get(path, alice);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers.vary).toEqual(expect.stringContaining('Authorization, Cookie, X-Api-Key'));
    const again = await get(path, alice, { 'If-None-Match': res.headers.etag });
    expect(again.status).toBe(304);
    expect(again.text).toBeFalsy();
    expect(again.headers.etag).toBe(res.headers.etag);
    // Weak comparison, as If-None-Match asks, and a list of tags.
    expect((await get(path, alice, { 'If-None-Match': `"x", W/${res.headers.etag}` })).status).toBe(304);
    expect((await get(path, alice, { 'If-None-Match': '"stale"' })).status).toBe(200);
  });

  it('names the format headers in Vary on the gateway only', async () => {
    expect((await get('/v1/models', alice)).headers.vary).toMatch(/Anthropic-Version, X-Goog-Api-Key/);
    expect((await get('/api/models/list', alice)).headers.vary).not.toMatch(/Anthropic-Version/);
  });

  it('gives each format, encoding and query its own tag', async () => {
    const tags = new Set([
      await tagOf('/v1/models', alice),
      await tagOf('/v1/models', alice, { 'anthropic-version': '2023-06-01' }),
      await tagOf('/v1beta/models', alice),
      // supertest asks for gzip, deflate (gzip is negotiated): br and identity are the other codings.
      await tagOf('/v1/models', alice, { 'Accept-Encoding': 'br' }),
      await tagOf('/v1/models', alice, { 'Accept-Encoding': 'identity' }),
      await tagOf('/v1/models?limit=1', alice),
    ]);
    expect(tags.size).toBe(6);
    // Two spellings that negotiate the same coding are one representation.
    expect(await tagOf('/v1/models', alice, { 'Accept-Encoding': 'gzip' })).toBe(await tagOf('/v1/models', alice));
    // The same parameters in another order are the same answer.
    expect(await tagOf('/api/models/list?page=1&order_by=name', alice)).toBe(
      await tagOf('/api/models/list?order_by=name&page=1', alice),
    );
  });

  it('never lets one caller revalidate with another caller tag', async () => {
    const aliceTag = await tagOf('/api/models/list', alice);
    expect(await tagOf('/api/models/list', bob)).not.toBe(aliceTag);
    expect((await get('/api/models/list', bob, { 'If-None-Match': aliceTag })).status).toBe(200);
    const full = await createApiKey(t, alice);
    const narrowed = await createApiKey(t, alice, { models: ['gpt-4o'] });
    const keyTag = await tagOf('/v1/models', full.key);
    expect(await tagOf('/v1/models', narrowed.key)).not.toBe(keyTag);
    expect((await get('/v1/models', narrowed.key, { 'If-None-Match': keyTag })).status).toBe(200);
  });

  it('sends no ETag with an error', async () => {
    const res = await get('/api/models/model?id=nope', alice);
    expect(res.status).toBe(404);
    expect(res.headers.etag).toBeUndefined();
    const bad = await get('/api/models/list?page=abc', alice);
    expect(bad.status).toBe(400);
    expect(bad.headers.etag).toBeUndefined();
  });

  it('answers If-None-Match: * with a 304 only where the answer exists (built or kept), errors as errors', async () => {
    const any = { 'If-None-Match': '*' };
    // A caller nothing is kept for yet, so the first round builds every answer and the second finds it kept.
    const key = (await createApiKey(t, alice)).key;
    for (const round of ['built', 'kept']) {
      for (const [path, caller] of [
        ['/v1/models', key],
        ['/v1/models/team/helper', key],
        ['/v1beta/models', key],
        ['/api/models/list?query=helper', alice],
      ] as const) {
        const res = await get(path, caller, any);
        expect([round, path, res.status]).toEqual([round, path, 304]);
        expect(res.headers.etag).toBe(await tagOf(path, caller));
      }
      for (const [path, caller, status] of [
        ['/api/models/model?id=nope', alice, 404],
        ['/v1/models/nobody/here', key, 404],
        ['/api/models/list?page=abc', alice, 400],
      ] as const) {
        const res = await get(path, caller, any);
        expect([round, path, res.status]).toEqual([round, path, status]);
        expect(res.headers.etag).toBeUndefined();
      }
    }
  });

  describe('changes the tag when the answer may change', () => {
    const changes: Array<[string, () => Promise<unknown>]> = [
      ['a model edited', () => modelApi(t, bob).update({ id: 'team/helper', name: 'Team helper 2' })],
      ['a model toggled', () => modelApi(t, bob).toggle('team/helper')],
      ['a grant removed', () => setGrants(t, bob, 'team/helper', [])],
      ['a grant added', () => setGrants(t, bob, 'team/helper', [groupGrant(teamId)])],
      [
        'a model created that the caller can read',
        () => createCustomModel(t, admin, { id: 'admin/new', base_model_id: 'gpt-4o', access_grants: [publicGrant()] }),
      ],
      ['a base model changed', () => modelApi(t, admin).update({ id: 'gpt-4o', context_length: 4096 })],
      [
        'an owner renamed',
        () => request(t.server).patch(`/api/users/${bob.id}`).set(bearer(admin.token)).send({ name: 'Robert' }),
      ],
      [
        'the caller left a group',
        () => request(t.server).delete(`/api/groups/${teamId}/members/${alice.id}`).set(bearer(admin.token)),
      ],
      [
        'the caller became admin',
        () => request(t.server).patch(`/api/users/${alice.id}`).set(bearer(admin.token)).send({ role: 'admin' }),
      ],
      ['a model deleted', () => modelApi(t, bob).remove('bob/public')],
    ];
    it.each(changes)('%s', async (_what, change) => {
      const before = await tagOf('/api/models/list', alice);
      const res = (await change()) as { status?: number };
      if (res?.status !== undefined) expect(res.status).toBeLessThan(300);
      const after = await get('/api/models/list', alice, { 'If-None-Match': before });
      expect(after.status).toBe(200);
      expect(after.headers.etag).not.toBe(before);
    });
  });

  it('keeps the tag through changes the caller cannot see', async () => {
    const tag = await tagOf('/api/models/list', bob);
    await createCustomModel(t, admin, { id: 'admin/private', base_model_id: 'gpt-4o' });
    await modelApi(t, admin).update({ id: 'admin/private', name: 'Still private' });
    expect((await get('/api/models/list', bob, { 'If-None-Match': tag })).status).toBe(304);
    // The admin sees every model: its tag moved.
    const adminTag = await tagOf('/api/models/list', admin);
    await modelApi(t, admin).remove('admin/private');
    expect((await get('/api/models/list', admin, { 'If-None-Match': adminTag })).status).toBe(200);
  });

  it('keeps the tag while nothing changes', async () => {
    const tag = await tagOf('/api/models/list', bob);
    await request(t.server).get('/api/auths/').set(bearer(bob.token));
    expect(await tagOf('/api/models/list', bob)).toBe(tag);
  });

  it('refuses an expired key instead of revalidating it', async () => {
    const key = await createApiKey(t, bob, { expires_at: Math.floor(Date.now() / 1000) + 3600 });
    const tag = await tagOf('/v1/models', key.key);
    await t.dataSource.query(`UPDATE api_keys SET expires_at = 1 WHERE id = $1`, [key.id]);
    expect((await get('/v1/models', key.key, { 'If-None-Match': tag })).status).toBe(401);
  });

  it('sees a change made through another instance: no stale 304, no stale cached answer', async () => {
    const other = await startAppOnDatabase(t.config.databaseUrl);
    try {
      const first = await get('/api/models/list', bob);
      const name = `renamed ${Date.now()}`;
      const res = await modelApi(other, bob).update({ id: 'team/helper', name });
      expect(res.status).toBe(200);
      const after = await get('/api/models/list', bob, { 'If-None-Match': first.headers.etag });
      expect(after.status).toBe(200);
      expect(after.body.items.map((m: { name: string }) => m.name)).toContain(name);
    } finally {
      await other.close();
    }
  });

  describe('through the SDKs', () => {
    it('hands the ETag to an OpenAI client, whose If-None-Match then gets the 304', async () => {
      const key = await createApiKey(t, alice);
      const client = new OpenAI({ apiKey: key.key, baseURL: `${t.baseUrl}/v1`, maxRetries: 0 });
      const { data, response } = await client.models.list().withResponse();
      expect(data.data.map((m) => m.id)).toContain('gpt-4o');
      const etag = response.headers.get('etag') as string;
      expect(etag).toMatch(/^"/);
      const revalidating = new OpenAI({
        apiKey: key.key,
        baseURL: `${t.baseUrl}/v1`,
        maxRetries: 0,
        defaultHeaders: { 'If-None-Match': etag },
      });
      // The SDK knows no 304: it raises it as an error without a body, which is the client's cue to keep its copy.
      await expect(revalidating.models.list()).rejects.toMatchObject({ status: 304 });
    });

    it('hands the ETag to an Anthropic client, whose If-None-Match then gets the 304', async () => {
      const key = await createApiKey(t, alice);
      const client = new Anthropic({ apiKey: key.key, baseURL: t.baseUrl, maxRetries: 0 });
      const { response } = await client.models.list().withResponse();
      const etag = response.headers.get('etag') as string;
      const revalidating = new Anthropic({
        apiKey: key.key,
        baseURL: t.baseUrl,
        maxRetries: 0,
        defaultHeaders: { 'If-None-Match': etag },
      });
      await expect(revalidating.models.list()).rejects.toMatchObject({ status: 304 });
    });

    describe('with the revalidating fetch README "Polling the registry" shows', () => {
      /** What the registry answered (before the wrapper turns a 304 back into the kept answer). */
      let statuses: number[] = [];
      const counting: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      };
      beforeEach(() => {
        statuses = [];
      });

      it('OpenAI: the second list is a 304 on the wire and the same models in the SDK', async () => {
        const key = await createApiKey(t, alice);
        const client = new OpenAI({
          apiKey: key.key,
          baseURL: `${t.baseUrl}/v1`,
          maxRetries: 0,
          fetch: revalidatingFetch(counting),
        });
        const first = (await client.models.list()).data.map((m) => m.id);
        const second = (await client.models.list()).data.map((m) => m.id);
        expect(first).toContain('gpt-4o');
        expect(second).toEqual(first);
        expect(statuses).toEqual([200, 304]);
        // A change the caller sees: a new tag, so the full answer again.
        await modelApi(t, bob).update({ id: 'team/helper', name: 'Renamed for the SDK' });
        expect((await client.models.list()).data.map((m) => m.id)).toEqual(first);
        expect(statuses).toEqual([200, 304, 200]);
      });

      it('Anthropic: the second page is a 304 on the wire and the same page in the SDK', async () => {
        const key = await createApiKey(t, alice);
        const client = new Anthropic({
          apiKey: key.key,
          baseURL: t.baseUrl,
          maxRetries: 0,
          fetch: revalidatingFetch(counting),
        });
        const first = (await client.models.list({ limit: 2 })).data.map((m) => m.id);
        const second = (await client.models.list({ limit: 2 })).data.map((m) => m.id);
        expect(first).toHaveLength(2);
        expect(second).toEqual(first);
        expect(statuses).toEqual([200, 304]);
      });

      it('Gemini: the second list is a 304 on the wire and the same models in the SDK', async () => {
        const key = await createApiKey(t, alice);
        const client = new GoogleGenAI({
          apiKey: key.key,
          httpOptions: { baseUrl: t.baseUrl, fetch: revalidatingFetch(counting) },
        });
        const names = async () => {
          const pager = await client.models.list({ config: { pageSize: 100 } });
          return pager.page.map((m) => m.name);
        };
        const first = await names();
        expect(first).toContain('models/gpt-4o');
        expect(await names()).toEqual(first);
        expect(statuses).toEqual([200, 304]);
      });

      it('never reuses one key’s answer for another key', async () => {
        await createCustomModel(t, bob, { id: 'bob/only-bob', base_model_id: 'gpt-4o' });
        // Alice became an admin above: Carol, a plain user, cannot read Bob's private model.
        const carol = await createUser(t, admin, { name: 'Carol' });
        const carolKey = await createApiKey(t, carol);
        const bobKey = await createApiKey(t, bob);
        const shared = revalidatingFetch(counting);
        const list = async (apiKey: string) =>
          (await new OpenAI({ apiKey, baseURL: `${t.baseUrl}/v1`, maxRetries: 0, fetch: shared }).models.list()).data
            .map((m) => m.id)
            .sort();
        const carols = await list(carolKey.key);
        const bobs = await list(bobKey.key);
        expect(bobs).toContain('bob/only-bob');
        expect(carols).not.toContain('bob/only-bob');
        expect(statuses).toEqual([200, 200]);
      });
    });
  });
});
