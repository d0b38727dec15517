import request from 'supertest';
import { createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { createBaseModel, expectApiError, TINY_PNG_BASE64, type Json } from './support/model-fixtures';
import { openWebUi, type OpenWebUi } from './support/openwebui-client';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Open WebUI's Workspace → Models page against this service: each case makes the calls the page
 * makes (test/support/openwebui-client.ts mirrors its client functions) and reads the fields it
 * reads. Cases name the Open WebUI file and function they come from. The editor, sharing and
 * import are in openwebui-contract-editor and openwebui-contract-import.
 */
let t: TestApp;
let admin: Actor;
let owner: Actor;
let friend: Actor;
let stranger: Actor;
let ui: OpenWebUi;
const IMAGE = `data:image/png;base64,${TINY_PNG_BASE64}`;

beforeAll(async () => {
  t = await startTestApp({ corsOrigins: ['https://chat.example.com'] });
  admin = await signUp(t, 'Contract Admin');
  owner = await createUser(t, admin, { name: 'Contract Owner' });
  friend = await createUser(t, admin, { name: 'Contract Friend' });
  stranger = await createUser(t, admin, { name: 'Contract Stranger' });
  await createGroup(t, admin, 'contract group', [friend.id]);
  await createBaseModel(t, admin, { id: 'contract/base', meta: { tags: ['Chat'] } });
  ui = openWebUi(t, owner.token);
  const create = (id: string, extra: object = {}) =>
    ui.createNewModel({ id, base_model_id: 'contract/base', name: id, meta: {}, params: {}, ...extra }).expect(201);
  await create('contract/pictured', { meta: { profile_image_url: IMAGE, tags: ['Team'] } });
  await create('contract/plain', { meta: { description: 'plain one' } });
  await create('contract/shared', {
    access_grants: [{ principal_type: 'user', principal_id: friend.id, permission: 'read' }],
  });
});
afterAll(() => t?.close());

const ids = (items: Json[]) => items.map((m) => m.id as string).sort();

describe('Models.svelte getModelList: the list, its tags and its view selector', () => {
  it('pages the list with query, tag and view; reads items[].{id,name,meta,is_active,user_id,user} and total', async () => {
    const res = await ui.getModelItems('', '', '', null as never, null as never, 1).expect(200);
    expect(res.body.total).toBe(3);
    const item = (res.body.items as Json[]).find((m) => m.id === 'contract/plain');
    expect(item).toMatchObject({ name: 'contract/plain', is_active: true, user_id: owner.id, write_access: true });
    expect(item.meta.description).toBe('plain one');
    expect(item.user).toMatchObject({ id: owner.id, name: 'Contract Owner', email: owner.email });
    const tagged = await ui.getModelItems('', '', 'team', undefined, undefined, 1).expect(200);
    expect(ids(tagged.body.items)).toEqual(['contract/pictured']);
    const searched = await ui.getModelItems('plain', '', '', undefined, undefined, 1).expect(200);
    expect(ids(searched.body.items)).toEqual(['contract/plain']);
  });

  it('ViewSelector: view_option created and shared split the list by owner', async () => {
    const friendUi = openWebUi(t, friend.token);
    expect(ids((await friendUi.getModelItems('', 'shared', '', undefined, undefined, 1)).body.items)).toEqual([
      'contract/shared',
    ]);
    expect((await friendUi.getModelItems('', 'created', '', undefined, undefined, 1)).body.items).toEqual([]);
  });

  it('getModelTags answers the tag names the TagSelector lists', async () => {
    expect((await ui.getModelTags().expect(200)).body).toEqual(['team']);
  });

  it('the <img> of each item loads with the cookie alone and the page language', async () => {
    const res = await ui.profileImage('contract/pictured', 'de-DE').expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(Buffer.from(res.body as Buffer).toString('base64')).toBe(TINY_PNG_BASE64);
  });
});

describe('Models.svelte hideModelHandler: Hide / Show sends the list item back', () => {
  it('keeps the stored image when the list item (with its rewritten image URL) comes back', async () => {
    const listed = (await ui.getModelItems('pictured', '', '', undefined, undefined, 1)).body.items[0];
    expect(listed.meta.profile_image_url).toMatch(/\/models\/model\/profile\/image\?id=/);
    const hidden = { ...listed, meta: { ...listed.meta, hidden: true } };
    await ui.updateModelById(listed.id, hidden).expect(200);
    const shown = (await ui.getModelItems('pictured', '', '', undefined, undefined, 1)).body.items[0];
    expect(shown.meta.hidden).toBe(true);
    await ui.updateModelById(shown.id, { ...shown, meta: { ...shown.meta, hidden: false } }).expect(200);
    const image = await ui.profileImage('contract/pictured').expect(200);
    expect(Buffer.from(image.body as Buffer).toString('base64')).toBe(TINY_PNG_BASE64);
    const stored = await t.dataSource.query(`SELECT meta FROM models WHERE id = 'contract/pictured'`);
    expect(stored[0].meta).toMatchObject({ profile_image_url: IMAGE, hidden: false });
  });

  it('also recognises the absolute form, the /api/v1 path and extra parameters', async () => {
    for (const url of [
      'https://chat.example.com/api/v1/models/model/profile/image?id=contract%2Fpictured&lang=fr',
      '/api/models/model/profile/image?lang=en&id=contract/pictured',
    ]) {
      await ui.updateModelById('contract/pictured', { meta: { profile_image_url: url } }).expect(200);
      await ui.profileImage('contract/pictured').expect(200);
    }
  });

  it('stores another model’s image URL as sent: only the model’s own shown URL means “unchanged”', async () => {
    const url = '/api/models/model/profile/image?id=contract/plain';
    await ui.updateModelById('contract/pictured', { meta: { profile_image_url: url } }).expect(200);
    expectApiError(await ui.profileImage('contract/pictured'), 404);
    await ui.updateModelById('contract/pictured', { meta: { profile_image_url: IMAGE } }).expect(200);
  });
});

describe('ModelMenu export and the Export button: exportModels', () => {
  it('with ids answers only those the caller may export; unknown or unreadable ids are absent', async () => {
    await openWebUi(t, stranger.token)
      .createNewModel({ id: 'contract/strangers', base_model_id: 'contract/base', name: 's', meta: {}, params: {} })
      .expect(201);
    const res = await ui
      .exportModels(['contract/plain', 'contract/pictured', 'no/such', 'contract/strangers'])
      .expect(200);
    expect(ids(res.body)).toEqual(['contract/pictured', 'contract/plain']);
    expect(ids((await ui.exportModels(['contract/plain'])).body)).toEqual(['contract/plain']);
    expect(ids((await ui.exportModels()).body)).toEqual(['contract/pictured', 'contract/plain', 'contract/shared']);
    // The friend reads contract/shared but cannot write it: nothing to export.
    expect((await openWebUi(t, friend.token).exportModels(['contract/shared'])).body).toEqual([]);
  });

  it('answers the same under /api and names a bad ids parameter with a 400', async () => {
    const plain = await request(t.server)
      .get('/api/models/export?ids=contract/plain&ids=contract/shared')
      .set('authorization', `Bearer ${owner.token}`)
      .expect(200);
    expect(ids(plain.body)).toEqual(['contract/plain', 'contract/shared']);
    const tooLong = await ui.exportModels(['x'.repeat(300)]);
    expectApiError(tooLong, 400, /ids/);
  });
});

describe('toggle, delete, and the model store refresh (getModels)', () => {
  it('toggleModelById flips is_active; getModels then leaves the model out', async () => {
    expect((await ui.toggleModelById('contract/plain').expect(200)).body.is_active).toBe(false);
    const data = (await ui.getModels().expect(200)).body.data as Json[];
    expect(data.map((m) => m.id)).not.toContain('contract/plain');
    expect(data.find((m) => m.id === 'contract/pictured')).toMatchObject({
      preset: true,
      info: { id: 'contract/pictured' },
    });
    await ui.toggleModelById('contract/plain').expect(200);
  });

  it('deleteModelById deletes what the caller can write and answers 404 for what it cannot read', async () => {
    expectApiError(await openWebUi(t, friend.token).deleteModelById('contract/plain'), 404);
    await ui.createNewModel({ id: 'contract/gone', base_model_id: 'contract/base', name: 'g', meta: {}, params: {} });
    await ui.deleteModelById('contract/gone').expect(200);
    expectApiError(await ui.getModelById('contract/gone'), 404);
  });
});

describe('Import / Export buttons: permissions from getSessionUser', () => {
  it('shows both to a user, and neither to a read-only API key', async () => {
    const me = (await ui.getSessionUser().expect(200)).body;
    expect(me.permissions.workspace).toEqual({ models: true, models_import: true, models_export: true });
    const { key } = await createApiKey(t, owner, { read_only: true });
    const keyed = (await openWebUi(t, key).getSessionUser().expect(200)).body;
    expect(keyed.permissions.workspace).toMatchObject({ models_import: false, models_export: false });
  });
});
