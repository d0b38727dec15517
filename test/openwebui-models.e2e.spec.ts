import request from 'supertest';
import { bearer, createGroup, createUser, signUp, type Actor } from './support/actors';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  groupGrant,
  modelApi,
  publicGrant,
  readModel,
  sortGrants,
  userGrant,
  type Json,
} from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * What Open WebUI's own pages send to and read from /api/models (docs/api.md, docs/access.md).
 * Each case names the Open WebUI file and function whose requests it replays.
 */
let t: TestApp;
let admin: Actor;
let owner: Actor;
let friend: Actor;
let groupId: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'OWUI Admin');
  owner = await createUser(t, admin, { name: 'OWUI Owner' });
  friend = await createUser(t, admin, { name: 'OWUI Friend' });
  groupId = await createGroup(t, admin, 'owui group', [friend.id]);
  await createBaseModel(t, admin, { id: 'owui/base' });
});
afterAll(() => t?.close());

/** src/lib/apis/models/index.ts updateModelAccessGrants: POST {id, name, access_grants}. */
function updateAccessGrants(actor: Actor, body: object) {
  return request(t.server).post('/api/models/model/access/update').set(bearer(actor.token)).send(body);
}

describe('grants in Open WebUI shape', () => {
  it('accepts name on access update (updateModelAccessGrants) and ignores it', async () => {
    await createCustomModel(t, owner, { id: 'owui/named', base_model_id: 'owui/base', name: 'Kept' });
    const res = await updateAccessGrants(owner, {
      id: 'owui/named',
      name: 'Ignored',
      access_grants: [userGrant(friend.id)],
    }).expect(200);
    expect(res.body.name).toBe('Kept');
    expect((await readModel(t, owner, 'owui/named')).name).toBe('Kept');
  });

  it('answers a write grant as read + write everywhere (AccessControl.svelte togglePrincipalWrite)', async () => {
    // togglePrincipalWrite adds both entries; the server keeps one row, the strongest.
    const sent = [userGrant(friend.id, 'read'), userGrant(friend.id, 'write'), groupGrant(groupId, 'read')];
    const updated = await updateAccessGrants(owner, { id: 'owui/named', access_grants: sent }).expect(200);
    const expected = sortGrants(sent);
    expect(sortGrants(updated.body.access_grants)).toEqual(expected);
    expect(sortGrants((await readModel(t, owner, 'owui/named')).access_grants)).toEqual(expected);
    const list = await modelApi(t, owner).list().expect(200);
    const item = (list.body.items as Json[]).find((m) => m.id === 'owui/named');
    expect(sortGrants(item.access_grants)).toEqual(expected);
    const exported = (await modelApi(t, owner).exportAll().expect(200)).body as Json[];
    expect(sortGrants(exported.find((m) => m.id === 'owui/named').access_grants)).toEqual(expected);
    const stored = await t.dataSource.query(
      `SELECT principal_type, principal_id, permission FROM access_grants WHERE model_id = 'owui/named' ORDER BY 1`,
    );
    expect(stored).toEqual([
      { principal_type: 'group', principal_id: groupId, permission: 'read' },
      { principal_type: 'user', principal_id: friend.id, permission: 'write' },
    ]);
    // The friend, a writer now, reads the same two entries.
    expect(sortGrants((await readModel(t, friend, 'owui/named')).access_grants)).toEqual(expected);
  });

  it('takes a principal named with read only as a reader (togglePrincipalWrite off)', async () => {
    const sent = [userGrant(friend.id, 'read'), groupGrant(groupId, 'read')];
    const res = await updateAccessGrants(owner, { id: 'owui/named', access_grants: sent }).expect(200);
    expect(sortGrants(res.body.access_grants)).toEqual(sortGrants(sent));
    expect((await readModel(t, friend, 'owui/named')).write_access).toBe(false);
  });

  it('takes principal_type anyone as the public grant and answers it as user/* (Models.svelte isPublicModel)', async () => {
    await createCustomModel(t, admin, { id: 'owui/anyone', base_model_id: 'owui/base' });
    const res = await updateAccessGrants(admin, {
      id: 'owui/anyone',
      access_grants: [{ principal_type: 'anyone', permission: 'read' }],
    }).expect(200);
    expect(res.body.access_grants).toEqual([publicGrant('read')]);
    expect((await readModel(t, friend, 'owui/anyone')).id).toBe('owui/anyone');
    // AccessControl.svelte setPublic(false) sends the set without user/*: private again.
    await updateAccessGrants(admin, { id: 'owui/anyone', access_grants: [] }).expect(200);
    expectApiError(await modelApi(t, friend).get('owui/anyone'), 404);
  });

  it('still refuses anyone from a non-admin on access update (403)', async () => {
    const res = await updateAccessGrants(owner, {
      id: 'owui/named',
      access_grants: [{ principal_type: 'anyone', principal_id: '*', permission: 'read' }],
    });
    expectApiError(res, 403);
  });
});

describe('fields Open WebUI sends back', () => {
  it('ignores what a model answer carries on update (ModelEditor submits the model it read)', async () => {
    const read = await readModel(t, owner, 'owui/named');
    const res = await modelApi(t, owner)
      .update({ ...read, user_id: admin.id, created_at: 1, updated_at: 1, write_access: true, name: 'Renamed' })
      .expect(200);
    expect(res.body).toMatchObject({ user_id: owner.id, name: 'Renamed', created_at: read.created_at });
    const rows = await t.dataSource.query(`SELECT user_id FROM models WHERE id = 'owui/named'`);
    expect(rows).toEqual([{ user_id: owner.id }]);
  });

  it('still names any other unknown field with a 400 (a misspelt acess_grants)', async () => {
    const res = await modelApi(t, owner).update({ id: 'owui/named', acess_grants: [] });
    expectApiError(res, 400, /property acess_grants should not exist/);
    const access = await updateAccessGrants(owner, { id: 'owui/named', access_grants: [], is_public: true });
    expectApiError(access, 400, /property is_public should not exist/);
  });
});

describe('public grants sent back by a clone or an import', () => {
  it('leaves the public grant out of a non-admin clone with a warning (Models.svelte cloneHandler)', async () => {
    const source = await readModel(t, admin, 'owui/anyone');
    const res = await modelApi(t, owner)
      .create({
        ...source,
        id: 'owui/clone',
        name: 'Clone',
        access_grants: [publicGrant('read'), userGrant(friend.id, 'read')],
      })
      .expect(201);
    expect(res.body.warnings).toEqual([expect.stringMatching(/public grant/)]);
    expect(res.body.access_grants).toEqual([userGrant(friend.id, 'read')]);
    expect(res.body.user_id).toBe(owner.id);
  });

  it('keeps an admin clone public, with no warnings', async () => {
    const res = await modelApi(t, admin)
      .create({ id: 'owui/admin-clone', name: 'C', base_model_id: 'owui/base', access_grants: [publicGrant()] })
      .expect(201);
    expect(res.body).not.toHaveProperty('warnings');
    expect(res.body.access_grants).toEqual([publicGrant('read')]);
  });

  it('imports a public model for a non-admin without its public grant, with a warning', async () => {
    const res = await modelApi(t, owner)
      .importModels([{ id: 'owui/imported-public', name: 'P', base_model_id: 'owui/base', access_grants: [publicGrant()] }])
      .expect(200);
    expect(res.body.results).toEqual([
      { id: 'owui/imported-public', status: 'created', warnings: [expect.stringMatching(/public grant/)] },
    ]);
    expect((await readModel(t, owner, 'owui/imported-public')).access_grants).toEqual([]);
    expectApiError(await modelApi(t, friend).get('owui/imported-public'), 404);
  });
});
