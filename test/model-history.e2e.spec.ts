import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, type Actor } from './support/actors';
import { startWithCast } from './support/cast';
import {
  answeredGrants,
  createBaseModel,
  createCustomModel,
  expectApiError,
  groupGrant,
  modelApi,
  publicGrant,
  readModel,
  setGrants,
  sortGrants,
  userGrant,
  type Json,
} from './support/model-fixtures';
import type { TestApp } from './support/test-app';

let t: TestApp;
let admin: Actor;
let owner: Actor;
let writer: Actor;
let reader: Actor;
let stranger: Actor;

beforeAll(async () => {
  ({
    t,
    admin,
    users: { owner, writer, reader, stranger },
  } = await startWithCast('History', ['owner', 'writer', 'reader', 'stranger']));
  await createBaseModel(t, admin, { id: 'hist/base' });
});
afterAll(() => t?.close());

let seq = 0;
async function sharedModel(): Promise<string> {
  seq += 1;
  const id = `hist/m${seq}`;
  await createCustomModel(t, owner, {
    id,
    base_model_id: 'hist/base',
    params: { system: 'v1 prompt' },
    access_grants: [userGrant(writer.id, 'write'), userGrant(reader.id, 'read')],
  });
  return id;
}

async function historyOf(actor: Actor, id: string, page?: number): Promise<Json> {
  const res = await modelApi(t, actor).history(id, page);
  expect(res.status).toBe(200);
  return res.body;
}

describe('model versions', () => {
  it('starts at 1 and goes up by one on update, access update, toggle and import, in every answer', async () => {
    const id = await sharedModel();
    const api = modelApi(t, owner);
    expect((await readModel(t, owner, id)).version).toBe(1);
    expect((await api.update({ id, name: 'two' })).body.version).toBe(2);
    expect((await api.setAccess(id, [userGrant(reader.id)])).body.version).toBe(3);
    expect((await api.toggle(id)).body.version).toBe(4);
    const imported = await api.importModels([{ id, name: 'five', base_model_id: 'hist/base', version: 1 }]);
    expect(imported.body.results).toEqual([{ id, status: 'updated' }]);
    expect((await readModel(t, owner, id)).version).toBe(5);
    const listed = (await api.list({ query: id })).body.items.find((item: Json) => item.id === id);
    expect(listed.version).toBe(5);
    expect((await api.exportAll()).body.find((item: Json) => item.id === id).version).toBe(5);
    expect((await readModel(t, reader, id)).version).toBe(5);
  });

  it('answers 409 with the current version for a stale version on update, access update and toggle, changing nothing', async () => {
    const id = await sharedModel();
    const api = modelApi(t, writer);
    expect((await api.update({ id, name: 'two', version: 1 })).status).toBe(200);
    const before = await readModel(t, owner, id);
    const stale = [
      await api.update({ id, name: 'lost', version: 1 }),
      await request(t.server)
        .post('/api/models/model/access/update')
        .set(bearer(writer.token))
        .send({ id, access_grants: [], version: 1 }),
      await api.toggle(id, 1),
    ];
    for (const res of stale) expectApiError(res, 409, /current version is 2/);
    expect(await readModel(t, owner, id)).toEqual(before);
    expect((await historyOf(owner, id)).total).toBe(2);
  });

  it('rejects a version that is not a positive integer with a 400 naming it', async () => {
    const id = await sharedModel();
    expectApiError(await modelApi(t, owner).update({ id, version: 'one' }), 400, /version/);
    expectApiError(await modelApi(t, owner).toggle(id, 0), 400, /version/);
  });

  it('lets exactly one of concurrent writers sending the same version win', async () => {
    const id = await sharedModel();
    const writers = [owner, writer, admin, owner, writer, admin, owner, writer];
    const results = await Promise.all(
      writers.map((actor, i) => modelApi(t, actor).update({ id, name: `racer ${i}`, version: 1 })),
    );
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([200, ...Array(writers.length - 1).fill(409)]);
    const winner = results.find((res) => res.status === 200)!.body;
    const model = await readModel(t, owner, id);
    expect({ name: model.name, version: model.version }).toEqual({ name: winner.name, version: 2 });
    expect((await historyOf(owner, id)).items.map((item: Json) => item.version)).toEqual([2, 1]);
  });
});

describe('model history', () => {
  it('keeps each version with who, when, which action and the fields and grants, newest first', async () => {
    const id = await sharedModel();
    await modelApi(t, writer).update({ id, params: { system: 'v2 prompt' } });
    await modelApi(t, owner).toggle(id);
    const { items, total } = await historyOf(writer, id);
    expect(total).toBe(3);
    expect(items.map((item: Json) => [item.version, item.action, item.changed_by])).toEqual([
      [3, 'toggle', { id: owner.id, name: owner.name }],
      [2, 'update', { id: writer.id, name: writer.name }],
      [1, 'create', { id: owner.id, name: owner.name }],
    ]);
    expect(items[2].snapshot).toMatchObject({
      id,
      user_id: owner.id,
      params: { system: 'v1 prompt' },
      is_active: true,
    });
    expect(sortGrants(items[2].snapshot.access_grants)).toEqual(
      answeredGrants([userGrant(writer.id, 'write'), userGrant(reader.id, 'read')]),
    );
    expect(items[1].snapshot.params).toEqual({ system: 'v2 prompt' });
    expect(items[0].snapshot.is_active).toBe(false);
    expect(typeof items[0].changed_at).toBe('number');
  });

  it('is for writers: readers get 403, callers who cannot read get 404', async () => {
    const id = await sharedModel();
    expectApiError(await modelApi(t, reader).history(id), 403);
    expectApiError(await modelApi(t, stranger).history(id), 404, /Model not found/);
    expectApiError(await modelApi(t, stranger).history('hist/none'), 404, /Model not found/);
    expectApiError(await modelApi(t, owner).history(id, 'x' as unknown as number), 400, /page/);
  });

  it('keeps the last 20 versions, 30 a page', async () => {
    const id = await sharedModel();
    for (let i = 2; i <= 23; i += 1) await modelApi(t, owner).update({ id, name: `n${i}` });
    const { items, total } = await historyOf(owner, id);
    expect(total).toBe(20);
    expect(items.map((item: Json) => item.version)).toEqual(Array.from({ length: 20 }, (_, i) => 23 - i));
    expect((await historyOf(owner, id, 2)).items).toEqual([]);
    expectApiError(await modelApi(t, owner).restore(id, 3), 404, /not kept/);
  });

  it('goes with its model: a new model with the same id starts a new history', async () => {
    const id = await sharedModel();
    await modelApi(t, owner).update({ id, name: 'old life' });
    expect((await modelApi(t, owner).remove(id)).status).toBe(200);
    await createCustomModel(t, owner, { id, base_model_id: 'hist/base' });
    expect((await historyOf(owner, id)).items.map((item: Json) => item.version)).toEqual([1]);
  });
});

describe('restore', () => {
  it('makes an old version current as a new version, recorded, keeping the owner', async () => {
    const id = await sharedModel();
    const access_grants = [userGrant(writer.id, 'write')];
    await modelApi(t, writer).update({ id, name: 'renamed', params: { system: 'v2 prompt' }, access_grants });
    const res = await modelApi(t, writer).restore(id, 1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, name: id, params: { system: 'v1 prompt' }, version: 3, user_id: owner.id });
    expect(res.body.warnings).toBeUndefined();
    expect(sortGrants(res.body.access_grants)).toEqual(
      answeredGrants([userGrant(writer.id, 'write'), userGrant(reader.id, 'read')]),
    );
    const [latest] = (await historyOf(owner, id)).items;
    expect([latest.version, latest.action, latest.changed_by.id]).toEqual([3, 'restore', writer.id]);
  });

  it('leaves out grants to users and groups deleted since, with warnings', async () => {
    const gone = await createUser(t, admin, { name: 'Gone Soon' });
    const group = await createGroup(t, admin, `hist gone ${seq}`, []);
    const id = await sharedModel();
    await setGrants(t, owner, id, [userGrant(gone.id), groupGrant(group), userGrant(reader.id)]);
    await setGrants(t, owner, id, []);
    await request(t.server).delete(`/api/users/${gone.id}`).set(bearer(admin.token)).expect(200);
    await request(t.server).delete(`/api/groups/${group}`).set(bearer(admin.token)).expect(200);
    const res = await modelApi(t, owner).restore(id, 2);
    expect(res.status).toBe(200);
    expect(res.body.access_grants).toEqual([userGrant(reader.id)]);
    expect(res.body.warnings).toHaveLength(2);
    expect(res.body.warnings.join(' ')).toContain(gone.id);
  });

  it('refuses a public grant to non-admins (403, nothing changed), and lets admins restore it', async () => {
    const id = await sharedModel();
    await setGrants(t, admin, id, [publicGrant()]);
    await setGrants(t, admin, id, [userGrant(writer.id, 'write')]);
    expectApiError(await modelApi(t, writer).restore(id, 2), 403, /Only admins/);
    expect((await readModel(t, owner, id)).version).toBe(3);
    const res = await modelApi(t, admin).restore(id, 2);
    expect([res.status, res.body.access_grants]).toEqual([200, [publicGrant()]]);
  });

  it('is for writers, of kept versions, with a clear 400 for bad input', async () => {
    const id = await sharedModel();
    expectApiError(await modelApi(t, reader).restore(id, 1), 403);
    expectApiError(await modelApi(t, stranger).restore(id, 1), 404, /Model not found/);
    expectApiError(await modelApi(t, owner).restore(id, 9), 404, /Version 9/);
    expectApiError(await modelApi(t, owner).restore(id, 0), 400, /version/);
    const missing = await request(t.server).post('/api/models/model/restore').set(bearer(owner.token)).send({ id });
    expectApiError(missing, 400, /version/);
  });

  it('is closed to read-only API keys', async () => {
    const id = await sharedModel();
    const { key } = await createApiKey(t, owner, { read_only: true });
    const res = await request(t.server).post('/api/models/model/restore').set(bearer(key)).send({ id, version: 1 });
    expectApiError(res, 403, /read-only/);
    expectApiError(await request(t.server).get('/api/models/model/history').query({ id }).set(bearer(key)), 403);
  });
});
