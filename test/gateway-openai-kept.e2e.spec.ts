import request from 'supertest';
import type { AuthUser } from '../src/common/auth-user';
import { callerOf } from '../src/access/caller';
import { queryRows } from '../src/common/sql';
import { ReadRouter } from '../src/database/read-router';
import { toOpenAiList } from '../src/gateway/openai.format';
import { listableSql, type ModelSummaryRow } from '../src/models/model-read.sql';
import { Actor, bearer, createApiKey } from './support/actors';
import { createCustomModel, groupGrant, modelApi, publicGrant, setGrants, userGrant } from './support/model-fixtures';
import { startKeptJsonWorld } from './support/kept-json-world';
import type { TestApp } from './support/test-app';

const KEY_MODELS = ['base/a', 'base/b', 'c/public', 'c/granted', 'c/own', 'c/later', 'c/hidden-later'];

/**
 * `/v1/models` for an API key's allow-list keeps each model's JSON under its row versions and asks
 * PostgreSQL only for ids and versions (docs/gateway.md, "OpenAI format"). After every kind of write
 * the answer must still be the bytes JSON.stringify(toOpenAiList(rows)) gives for the list read
 * afresh, on the second request (all kept) as on the first after the change.
 */
describe('OpenAI list for an API key: models’ JSON kept by row version', () => {
  let t: TestApp;
  let admin: Actor;
  let bob: Actor;
  let key: string;
  let team: string;
  let statements: string[];

  beforeAll(async () => {
    // The answer cache off: every request builds its answer.
    ({ t, admin, bob, team } = await startKeptJsonWorld());
    await createCustomModel(t, admin, { id: 'c/public', base_model_id: 'base/a', access_grants: [publicGrant()] });
    await createCustomModel(t, admin, { id: 'c/granted', base_model_id: 'base/a', access_grants: [groupGrant(team)] });
    await createCustomModel(t, bob, { id: 'c/own', base_model_id: 'base/b', name: 'Bob’s "own" ☃' });
    key = (await createApiKey(t, bob, { models: KEY_MODELS })).key;
    const router = t.app.get(ReadRouter);
    const readTexts = router.readTexts.bind(router);
    jest.spyOn(router, 'readTexts').mockImplementation((text, values, options) => {
      statements.push(text);
      return readTexts(text, values, options);
    });
  });
  afterAll(() => t?.close());

  /** What the list is, read afresh: the rows of listableSql for the key's caller, as JSON.stringify writes them. */
  async function expected(models: string[] = KEY_MODELS): Promise<string> {
    const user = { id: bob.id, name: 'Bob', role: 'user', groupIds: await groupsOf(bob.id) } as AuthUser;
    const keyed = { ...user, apiKey: { id: 'k', groupId: null, models, readOnly: true } } as AuthUser;
    const caller = callerOf(keyed, { bypassAdminAccessControl: true });
    const rows = await queryRows<ModelSummaryRow>(t.dataSource, listableSql(caller, { order: 'id' }));
    return JSON.stringify(toOpenAiList(rows));
  }

  async function groupsOf(userId: string): Promise<string[]> {
    const rows = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT group_id::text AS id FROM group_members WHERE user_id = $1 ORDER BY group_id',
      [userId],
    );
    return rows.map((row) => row.id);
  }

  async function list(withKey = key): Promise<{ text: string; statements: string[] }> {
    statements = [];
    const res = await request(t.server).get('/v1/models').set(bearer(withKey));
    expect(res.status).toBe(200);
    return { text: res.text, statements };
  }

  /** The first answer after a change and the next (every model kept) are both the list as it is now. */
  async function expectCurrent(ids: string[], withKey = key, models = KEY_MODELS): Promise<void> {
    const want = await expected(models);
    const first = await list(withKey);
    expect(first.text).toBe(want);
    const again = await list(withKey);
    expect(again.text).toBe(want);
    // All kept: one statement, ids and versions only.
    expect(again.statements).toHaveLength(1);
    expect(again.statements[0]).not.toContain('modelperm-');
    expect((JSON.parse(again.text) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(ids);
  }

  const api = () => modelApi(t, admin);

  it('answers the list read afresh, asking only for versions once every model is kept', async () => {
    const first = await list();
    // Nothing kept yet: the versions, then the JSON of every model.
    expect(first.statements).toHaveLength(2);
    expect(first.statements[1]).toContain('modelperm-');
    expect(first.text).toBe(await expected());
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/own', 'c/public']);
  });

  it('follows updates of the model (name, pricing, context length, endpoint types, owner)', async () => {
    expect((await api().update({ id: 'c/public', name: 'Renamed "x"' })).status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/own', 'c/public']);
    const own = { input_per_million: 3, output_per_million: 0, per_request: 0.002, currency: 'USD' };
    expect((await api().update({ id: 'c/granted', pricing: own, context_length: 4096 })).status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/own', 'c/public']);
    expect((await api().update({ id: 'c/own', owned_by: 'me', supported_endpoint_types: ['rerank'] })).status).toBe(
      200,
    );
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/own', 'c/public']);
  });

  it('follows changes of the base model its custom models inherit from, and a change of base model', async () => {
    const pricing = { input_per_million: 9, output_per_million: 9, per_request: null, currency: 'USD' };
    expect((await api().update({ id: 'base/a', pricing, owned_by: 'other', context_length: 8000 })).status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/own', 'c/public']);
    expect((await api().update({ id: 'c/public', base_model_id: 'base/b' })).status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/own', 'c/public']);
  });

  it('follows grants, activation, hiding and deletion', async () => {
    await setGrants(t, admin, 'c/granted', [userGrant(admin.id)]);
    await expectCurrent(['base/a', 'base/b', 'c/own', 'c/public']);
    await setGrants(t, admin, 'c/granted', [userGrant(bob.id)]);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/own', 'c/public']);
    expect((await api().toggle('base/b')).status).toBe(200);
    await expectCurrent(['base/a', 'c/granted']);
    expect((await api().toggle('base/b')).status).toBe(200);
    expect((await api().update({ id: 'c/own', meta: { hidden: true } })).status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/public']);
    expect((await api().remove('c/public')).status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted']);
  });

  it('follows imports (new and overwritten models) and a restore from history', async () => {
    const imported = await api().importModels([
      { id: 'c/later', name: 'Later', base_model_id: 'base/a', access_grants: [publicGrant()] },
      { id: 'c/granted', name: 'Imported over', base_model_id: 'base/b', access_grants: [userGrant(bob.id)] },
    ]);
    expect(imported.status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later']);
    const restored = await api().restore('c/granted', 1);
    expect(restored.status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later']);
  });

  it('follows a write made straight in the database, bypassing the service', async () => {
    await t.dataSource.query(`UPDATE models SET pricing = '{"n": 1.5, "note": "direct"}'::jsonb WHERE id = 'base/a'`);
    await t.dataSource.query(`UPDATE models SET name = 'Direct ✓' WHERE id = 'c/later'`);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later']);
  });

  it("follows the caller's access: a membership of a group the model is granted to, removed and added", async () => {
    await setGrants(t, admin, 'c/granted', [groupGrant(team)]);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later']);
    const removed = await request(t.server).delete(`/api/groups/${team}/members/${bob.id}`).set(bearer(admin.token));
    expect(removed.status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/later']);
    const added = await request(t.server)
      .post(`/api/groups/${team}/members`)
      .set(bearer(admin.token))
      .send({ user_ids: [bob.id] });
    expect(added.status).toBe(200);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later']);
  });

  it("follows the key's allow-list: each key its own list, a key with the same list the same bytes, a deleted key none", async () => {
    const narrower = ['base/b', 'c/later', 'c/own'];
    const other = await createApiKey(t, bob, { models: narrower });
    await expectCurrent(['base/b', 'c/later'], other.key, narrower);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later']);
    const same = await createApiKey(t, bob, { models: [...KEY_MODELS].reverse() });
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later'], same.key);
    const deleted = await request(t.server).delete(`/api/keys/${other.id}`).set(bearer(bob.token));
    expect(deleted.status).toBe(200);
    expect((await request(t.server).get('/v1/models').set(bearer(other.key))).status).toBe(401);
    await expectCurrent(['base/a', 'base/b', 'c/granted', 'c/later']);
  });

  it('revalidates: 304 while nothing changed, the new list for the old tag after a change', async () => {
    const first = await request(t.server).get('/v1/models').set(bearer(key));
    expect(first.status).toBe(200);
    const tag = first.headers.etag;
    const same = await request(t.server).get('/v1/models').set(bearer(key)).set('If-None-Match', tag);
    expect(same.status).toBe(304);
    expect((await api().update({ id: 'c/later', name: 'Renamed for the tag' })).status).toBe(200);
    const after = await request(t.server).get('/v1/models').set(bearer(key)).set('If-None-Match', tag);
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(tag);
    expect(after.text).toBe(await expected());
    expect(after.text).toContain('Renamed for the tag');
    const again = await request(t.server).get('/v1/models').set(bearer(key)).set('If-None-Match', after.headers.etag);
    expect(again.status).toBe(304);
  });

  it('builds lists of callers without an allow-list whole, as before', async () => {
    statements = [];
    const res = await request(t.server).get('/v1/models').set(bearer(bob.token));
    expect(res.status).toBe(200);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('modelperm-');
  });
});
