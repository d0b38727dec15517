import request from 'supertest';
import { createGroup, createUser, signUp, type Actor } from './support/actors';
import { createBaseModel, expectApiError, readModel, sortGrants, type Json } from './support/model-fixtures';
import { openWebUi, type OpenWebUi } from './support/openwebui-client';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Open WebUI's model editor and sharing against this service: the create and edit pages
 * (src/routes/(app)/workspace/models/{create,edit}/+page.svelte with ModelEditor), the base-model
 * picker (Models/baseModelPicker.ts), the access editor (workspace/common/AccessControl.svelte,
 * AddAccessModal.svelte, MemberSelector.svelte) and its lookups (src/lib/apis/groups, users).
 * test/support/openwebui-client.ts makes the calls as Open WebUI's client functions make them.
 */
let t: TestApp;
let admin: Actor;
let owner: Actor;
let friend: Actor;
let ui: OpenWebUi;
let groupId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Editor Admin');
  owner = await createUser(t, admin, { name: 'Editor Owner' });
  friend = await createUser(t, admin, { name: 'Editor Friend' });
  groupId = await createGroup(t, admin, 'editors', [friend.id, owner.id]);
  await createBaseModel(t, admin, { id: 'editor/base' });
  await createBaseModel(t, admin, { id: 'editor/hidden-base', access_grants: [] });
  ui = openWebUi(t, owner.token);
});
afterAll(() => t?.close());

const form = (id: string, extra: object = {}) => ({
  id,
  base_model_id: 'editor/base',
  name: id,
  meta: {},
  params: {},
  ...extra,
});

describe('create/+page.svelte and baseModelPicker.ts', () => {
  it('getModels feeds the picker: isEligibleBaseModel keeps items without preset, readable ones only', async () => {
    await ui.createNewModel(form('editor/existing')).expect(201);
    const data = (await ui.getModels().expect(200)).body.data as Json[];
    const eligible = data.filter((m) => !m.preset && m.owned_by !== 'arena' && !m.arena && !m.direct).map((m) => m.id);
    expect(eligible).toEqual(['editor/base']);
    // The duplicate-id check reads the same list's ids.
    expect(data.map((m) => m.id)).toContain('editor/existing');
  });

  it('createNewModel posts {id, base_model_id, name, meta, params, access_grants, is_active}', async () => {
    const res = await ui
      .createNewModel(form('editor/new', { access_grants: [], is_active: true, meta: { description: 'd' } }))
      .expect(201);
    expect(res.body).toMatchObject({ id: 'editor/new', user_id: owner.id, base_model_id: 'editor/base' });
    expectApiError(await ui.createNewModel(form('editor/new')), 409);
  });

  it('a clone of a public model by a non-admin drops the public grant with a warning (cloneModelHandler)', async () => {
    await openWebUi(t, admin.token)
      .createNewModel(form('editor/public', { access_grants: [{ principal_type: 'anyone', permission: 'read' }] }))
      .expect(201);
    const source = (await ui.getModelById('editor/public').expect(200)).body;
    const clone = { ...source, id: `${source.id}-clone`, name: `${source.name} (Clone)` };
    // A reader gets access_grants: [] here; Open WebUI 0.6 clones sent the list item, grants and all.
    const res = await ui.createNewModel({
      ...clone,
      access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      user_id: owner.id,
      access_grants: [],
      warnings: [expect.stringMatching(/public grant/)],
    });
  });
});

describe('edit/+page.svelte and ModelEditor: what the page sends back', () => {
  it('updateModelById posts the picked fields; getModelById shows the change', async () => {
    const read = (await ui.getModelById('editor/new').expect(200)).body;
    await ui.updateModelById(read.id, { ...read, name: 'Renamed', params: { system: 'be brief' } }).expect(200);
    expect((await ui.getModelById('editor/new')).body).toMatchObject({
      name: 'Renamed',
      params: { system: 'be brief' },
    });
  });

  it('ignores the returned fields older pages post back: another user_id, write_access, user, dates', async () => {
    const read = await readModel(t, owner, 'editor/new');
    const body = {
      ...read,
      user_id: admin.id,
      user: { id: admin.id },
      write_access: false,
      created_at: 1,
      updated_at: 1,
    };
    const res = await request(t.server)
      .post('/api/v1/models/model/update')
      .set('authorization', `Bearer ${owner.token}`)
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: owner.id, created_at: read.created_at, write_access: true });
    // write_access: true from a reader opens nothing.
    const friendsTry = await request(t.server)
      .post('/api/v1/models/model/update')
      .set('authorization', `Bearer ${friend.token}`)
      .send({ ...body, write_access: true, name: 'Hijacked' });
    expectApiError(friendsTry, 404);
    expect((await readModel(t, owner, 'editor/new')).name).toBe('Renamed');
  });

  it('still names a misspelt field with a 400 and changes nothing (acess_grants)', async () => {
    const res = await request(t.server)
      .post('/api/v1/models/model/update')
      .set('authorization', `Bearer ${owner.token}`)
      .send({ id: 'editor/new', name: 'Typo', acess_grants: [] });
    expectApiError(res, 400, /property acess_grants should not exist/);
    expect((await readModel(t, owner, 'editor/new')).name).toBe('Renamed');
  });
});

describe('AccessControl.svelte and AddAccessModal.svelte: sharing', () => {
  const pair = (type: 'user' | 'group', id: string) => [
    { principal_type: type, principal_id: id, permission: 'read' },
    { principal_type: type, principal_id: id, permission: 'write' },
  ];

  it('round-trips a read+write pair and a read-only principal through updateModelAccessGrants', async () => {
    const sent = [...pair('group', groupId), { principal_type: 'user', principal_id: friend.id, permission: 'read' }];
    const res = await ui.updateModelAccessGrants('editor/new', 'Renamed', sent).expect(200);
    expect(sortGrants(res.body.access_grants)).toEqual(sortGrants(sent as Json));
    // Unticking Write sends the read entry alone: the group stays, as a reader.
    const unticked = await ui.updateModelAccessGrants('editor/new', 'Renamed', [sent[0]]).expect(200);
    expect(unticked.body.access_grants).toEqual([sent[0]]);
  });

  it('takes anyone as the public grant from an admin and refuses it to a user (403)', async () => {
    const adminUi = openWebUi(t, admin.token);
    const res = await adminUi
      .updateModelAccessGrants('editor/new', 'Renamed', [{ principal_type: 'anyone', permission: 'read' }])
      .expect(200);
    expect(res.body.access_grants).toEqual([{ principal_type: 'user', principal_id: '*', permission: 'read' }]);
    await adminUi.updateModelAccessGrants('editor/new', 'Renamed', []).expect(200);
    expectApiError(
      await ui.updateModelAccessGrants('editor/new', 'x', [{ principal_type: 'anyone', permission: 'read' }]),
      403,
    );
  });
});

describe('MemberSelector.svelte: who to share with', () => {
  it('getGroups(share=true) answers groups with name and member_count', async () => {
    const groups = (await ui.getGroups(true).expect(200)).body as Json[];
    expect(groups.find((g) => g.id === groupId)).toMatchObject({ name: 'editors', member_count: 2 });
  });

  it('searchUsers answers {users, total} with id, name and email; getUserInfoById and getGroupInfoById name them', async () => {
    const found = (await ui.searchUsers('Editor Friend').expect(200)).body;
    expect(found.total).toBe(1);
    expect(found.users[0]).toMatchObject({ id: friend.id, name: 'Editor Friend', email: friend.email });
    expect((await ui.getUserInfoById(friend.id).expect(200)).body).toMatchObject({ name: 'Editor Friend' });
    expect((await ui.getGroupInfoById(groupId).expect(200)).body).toMatchObject({ name: 'editors', member_count: 2 });
  });
});

describe('the token cookie and cross-site requests (SECURITY.md, Cookies)', () => {
  const cookiePost = (origin: string | null) => {
    const req = request(t.server)
      .post('/api/v1/models/model/toggle?id=editor%2Fnew')
      .set('Cookie', `token=${owner.token}`)
      .set('Content-Type', 'application/json');
    return origin === null ? req : req.set('Origin', origin);
  };

  it('refuses a cross-site POST carrying only the token cookie (403) and changes nothing', async () => {
    const before = (await readModel(t, owner, 'editor/new')).is_active;
    expectApiError(await cookiePost('https://evil.example'), 403, /cross-site/);
    expectApiError(await cookiePost(null), 403);
    expect((await readModel(t, owner, 'editor/new')).is_active).toBe(before);
  });

  it('accepts the same POST from the service’s own origin', async () => {
    const before = (await readModel(t, owner, 'editor/new')).is_active;
    const res = await cookiePost(t.baseUrl);
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(!before);
  });
});
