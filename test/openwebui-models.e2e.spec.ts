import request from 'supertest';
import { bearer, createApiKey, createGroup, type Actor } from './support/actors';
import { startWithCast } from './support/cast';
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
import type { TestApp } from './support/test-app';

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
  ({
    t,
    admin,
    users: { owner, friend },
  } = await startWithCast('OWUI', ['owner', 'friend']));
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
      .importModels([
        { id: 'owui/imported-public', name: 'P', base_model_id: 'owui/base', access_grants: [publicGrant()] },
      ])
      .expect(200);
    expect(res.body.results).toEqual([
      { id: 'owui/imported-public', status: 'created', warnings: [expect.stringMatching(/public grant/)] },
    ]);
    expect((await readModel(t, owner, 'owui/imported-public')).access_grants).toEqual([]);
    expectApiError(await modelApi(t, friend).get('owui/imported-public'), 404);
  });
});

const get = (actor: Actor, path: string) => request(t.server).get(path).set(bearer(actor.token));

describe("Open WebUI's main model routes", () => {
  beforeAll(async () => {
    await createBaseModel(t, admin, { id: 'owui/tagged-base', meta: { tags: ['Vision'] } });
    await createBaseModel(t, admin, { id: 'owui/admin-only-base', access_grants: [] });
    await createCustomModel(t, owner, { id: 'owui/off', base_model_id: 'owui/base', is_active: false });
  });

  it('GET /api/models answers {data} with active readable models, custom ones as presets (getModels)', async () => {
    const res = await get(owner, '/api/models').expect(200);
    const byId = new Map((res.body.data as Json[]).map((m) => [m.id, m]));
    expect(byId.get('owui/named')).toMatchObject({
      id: 'owui/named',
      name: 'Renamed',
      object: 'model',
      owned_by: 'test-provider',
      preset: true,
      info: { id: 'owui/named', base_model_id: 'owui/base', user_id: owner.id, write_access: true },
    });
    expect(byId.get('owui/base')).toMatchObject({ id: 'owui/base', info: { base_model_id: null } });
    expect(byId.get('owui/base')).not.toHaveProperty('preset');
    expect(byId.has('owui/off')).toBe(false); // inactive
    expect(byId.has('owui/admin-only-base')).toBe(false); // unreadable
    expect(byId.has('owui/admin-clone')).toBe(true); // public
    // /api/v1/models is not an alias of it.
    expect((await get(owner, '/api/v1/models')).status).toBe(404);
  });

  it('GET /api/models/base answers {data}; /api/v1/models/base a bare array honouring ?tag= (getBaseModels)', async () => {
    const ids = (list: Json[]) => list.map((m) => m.id);
    const plain = await get(owner, '/api/models/base').expect(200);
    expect(ids(plain.body.data)).toEqual(['owui/base', 'owui/tagged-base']);
    const v1 = await get(owner, '/api/v1/models/base').expect(200);
    expect(ids(v1.body)).toEqual(['owui/base', 'owui/tagged-base']);
    expect(v1.body[0]).toMatchObject({ base_model_id: null, write_access: false, params: {} });
    expect(ids((await get(owner, '/api/v1/models/base?tag=VISION').expect(200)).body)).toEqual(['owui/tagged-base']);
    expect(ids((await get(admin, '/api/v1/models/base').expect(200)).body)).toContain('owui/admin-only-base');
    expectApiError(await get(owner, `/api/v1/models/base?tag=${'x'.repeat(300)}`), 400, /tag/);
  });

  it('GET /api/v1/models/base/tags lists the tags of the base models the caller can build on (getBaseModelTags)', async () => {
    expect((await get(owner, '/api/v1/models/base/tags').expect(200)).body).toEqual(['vision']);
  });
});

describe('admin settings: all and delete/all', () => {
  it('GET /api/v1/models/all lists every custom model to admins only (getAllModels)', async () => {
    const res = await get(admin, '/api/v1/models/all').expect(200);
    const ids = (res.body as Json[]).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['owui/named', 'owui/off', 'owui/clone']));
    expect((res.body as Json[]).every((m) => m.base_model_id !== null)).toBe(true);
    expectApiError(await get(owner, '/api/v1/models/all'), 403);
    const key = await createApiKey(t, admin);
    expectApiError(await request(t.server).get('/api/v1/models/all').set(bearer(key.key)), 403, /sign-in token/);
  });

  it('DELETE /api/v1/models/delete/all deletes custom models only, for admins with a sign-in token (deleteAllModels)', async () => {
    const del = (token: string) => request(t.server).delete('/api/v1/models/delete/all').set(bearer(token));
    expectApiError(await del(owner.token), 403);
    const key = await createApiKey(t, admin);
    expectApiError(await del(key.key), 403, /sign-in token/);
    expect((await get(owner, '/api/models/model?id=owui/named')).status).toBe(200);
    const res = await del(admin.token).expect(200);
    expect(res.body.deleted).toBeGreaterThanOrEqual(3);
    const rows = await t.dataSource.query(`SELECT id FROM models ORDER BY id`);
    expect(rows.map((r: { id: string }) => r.id)).toEqual(['owui/admin-only-base', 'owui/base', 'owui/tagged-base']);
    expect(await t.dataSource.query(`SELECT * FROM access_grants WHERE model_id NOT LIKE '%base'`)).toEqual([]);
  });
});
