import request from 'supertest';
import { Actor, createApiKey, createUser, signUp } from './support/actors';
import { createBaseModel } from './support/model-fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * An API key's allow-list is parsed once per key and list and its digest kept (auth-user.loader.ts,
 * answer-tag.ts): the tags must still follow the list as stored, and stay the key's own.
 */
describe("API keys' tags and their allow-lists", () => {
  let t: TestApp;
  let alice: Actor;

  const get = (key: string, headers: Record<string, string> = {}) =>
    request(t.server).get('/v1/models').set({ 'x-api-key': key }).set(headers);
  const ids = (body: { data: Array<{ id: string }> }) => body.data.map((m) => m.id).sort();

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signUp(t);
    alice = await createUser(t, admin, { name: 'Alice' });
    await createBaseModel(t, admin, { id: 'gpt-4o' });
    await createBaseModel(t, admin, { id: 'allow-list/base' });
  });
  afterAll(() => t?.close());

  it('gives two keys with the same allow-list their own tags', async () => {
    const first = await createApiKey(t, alice, { models: ['gpt-4o'] });
    const second = await createApiKey(t, alice, { models: ['gpt-4o'] });
    const firstTag = (await get(first.key)).headers.etag;
    expect((await get(first.key)).headers.etag).toBe(firstTag);
    expect((await get(first.key, { 'If-None-Match': firstTag })).status).toBe(304);
    expect((await get(second.key)).headers.etag).not.toBe(firstTag);
    expect((await get(second.key, { 'If-None-Match': firstTag })).status).toBe(200);
  });

  it('changes the tag and the answer whenever the stored list changes, though nothing else does', async () => {
    const key = await createApiKey(t, alice, { models: ['gpt-4o'] });
    const before = await get(key.key);
    expect(ids(before.body)).toEqual(['gpt-4o']);
    // Not through the API (a key's list is fixed at creation): the loader must notice all the same.
    // One id PostgreSQL's array text must quote and escape: the list is bound back as that text.
    const models = ['gpt-4o', 'allow-list/base', 'no "such", {model}\\ here'];
    await t.dataSource.query(`UPDATE api_keys SET models = $2 WHERE id = $1`, [key.id, models]);
    const after = await get(key.key, { 'If-None-Match': before.headers.etag });
    expect(after.status).toBe(200);
    expect(ids(after.body)).toEqual(['allow-list/base', 'gpt-4o']);
    await t.dataSource.query(`UPDATE api_keys SET models = ARRAY['gpt-4o'] WHERE id = $1`, [key.id]);
    const back = await get(key.key, { 'If-None-Match': after.headers.etag });
    expect(back.status).toBe(200);
    expect(ids(back.body)).toEqual(['gpt-4o']);
  });
});
