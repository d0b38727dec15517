import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, type Actor } from './support/actors';
import { startWithCast } from './support/cast';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  modelApi,
  setGrants,
  userGrant,
  type Json,
} from './support/model-fixtures';
import type { TestApp } from './support/test-app';

let t: TestApp;
let admin: Actor;
let owner: Actor;
let writer: Actor;
let reader: Actor;

beforeAll(async () => {
  ({
    t,
    admin,
    users: { owner, writer, reader },
  } = await startWithCast('Audit', ['owner', 'writer', 'reader']));
  await createBaseModel(t, admin, { id: 'audit/base' });
});
afterAll(() => t?.close());

function audit(actor: Actor | string, query: Record<string, string | number> = {}) {
  const token = typeof actor === 'string' ? actor : actor.token;
  return request(t.server).get('/api/audit').query(query).set(bearer(token));
}

async function recordsOf(targetId: string, as: Actor = admin): Promise<Json[]> {
  const res = await audit(as, { target_id: targetId });
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('what is recorded', () => {
  it('records every change of a model with actor, via, and the fields that changed; delete keeps the model', async () => {
    const id = 'audit/m1';
    await createCustomModel(t, owner, { id, base_model_id: 'audit/base', params: { system: 'one' } });
    await modelApi(t, owner).update({ id, params: { system: 'two' } });
    await setGrants(t, owner, id, [userGrant(writer.id, 'write')]);
    const { key } = await createApiKey(t, writer);
    await request(t.server).post('/api/models/model/toggle').query({ id }).set(bearer(key)).expect(200);
    await modelApi(t, owner).restore(id, 1).expect(200);
    await modelApi(t, owner).remove(id).expect(200);

    const records = await recordsOf(id);
    expect(records.map((r) => [r.action, r.actor?.name, r.via])).toEqual([
      ['model.delete', owner.name, 'token'],
      ['model.restore', owner.name, 'token'],
      ['model.toggle', writer.name, 'key'],
      ['model.access', owner.name, 'token'],
      ['model.update', owner.name, 'token'],
      ['model.create', owner.name, 'token'],
    ]);
    const [deleted, , toggled, , updated, created] = records;
    expect(created).toMatchObject({ target_type: 'model', target_id: id, before: null, actor: { id: owner.id } });
    expect(created.after).toMatchObject({ id, params: { system: 'one' }, access_grants: [] });
    expect([updated.before, updated.after]).toEqual([{ params: { system: 'one' } }, { params: { system: 'two' } }]);
    expect([toggled.before, toggled.after]).toEqual([{ is_active: true }, { is_active: false }]);
    expect(deleted.after).toBeNull();
    expect(deleted.before).toMatchObject({ id, params: { system: 'one' }, is_active: true });
    expect(records.every((r) => typeof r.id === 'number' && typeof r.at === 'number')).toBe(true);
  });

  it('records an import: one record per model written, a creation whole, an overwrite only what changed', async () => {
    const kept = 'audit/imp-kept';
    await createCustomModel(t, owner, { id: kept, base_model_id: 'audit/base', params: { system: 'old' } });
    const res = await modelApi(t, owner).importModels([
      { id: kept, name: 'Kept', params: { system: 'new' } },
      { id: 'audit/imp-new', base_model_id: 'audit/base', name: 'New', access_grants: [userGrant(reader.id)] },
      { id: 'audit/imp-bad', name: 'No base' },
    ]);
    expect(res.body.results.map((r: Json) => r.status)).toEqual(['updated', 'created', 'skipped']);
    const [overwrite] = await recordsOf(kept);
    expect(overwrite).toMatchObject({ action: 'model.import', via: 'token', actor: { id: owner.id } });
    expect(overwrite.before).toMatchObject({ params: { system: 'old' } });
    expect(overwrite.after).toMatchObject({ params: { system: 'new' }, name: 'Kept' });
    expect(Object.keys(overwrite.after as object)).not.toContain('base_model_id');
    const [created, ...older] = await recordsOf('audit/imp-new');
    expect(older).toEqual([]);
    expect(created).toMatchObject({ action: 'model.import', before: null });
    expect(created.after).toMatchObject({ id: 'audit/imp-new', access_grants: [userGrant(reader.id)] });
    expect(await recordsOf('audit/imp-bad')).toEqual([]);
  });

  it('records group membership, role changes, deleted users and API keys; never a key secret', async () => {
    const member = await createUser(t, admin, { name: 'Audit Member' });
    const groupId = await createGroup(t, admin, 'audit group', [member.id]);
    await request(t.server).delete(`/api/groups/${groupId}/members/${member.id}`).set(bearer(admin.token)).expect(200);
    await request(t.server).patch(`/api/users/${member.id}`).set(bearer(admin.token)).send({ role: 'admin' });
    const { id: keyId, key } = await createApiKey(t, member, { read_only: true });
    await request(t.server).delete(`/api/keys/${keyId}`).set(bearer(member.token)).expect(200);
    await request(t.server).delete(`/api/groups/${groupId}`).set(bearer(admin.token)).expect(200);
    await request(t.server).delete(`/api/users/${member.id}`).set(bearer(admin.token)).expect(200);

    const group = await recordsOf(groupId);
    expect(group.map((r) => [r.action, r.before, r.after])).toEqual([
      ['group.delete', { name: 'audit group', user_ids: [] }, null],
      ['group.members', { user_ids: [member.id] }, { user_ids: [] }],
      ['group.members', { user_ids: [] }, { user_ids: [member.id] }],
      ['group.create', null, { name: 'audit group', user_ids: [] }],
    ]);
    const user = await recordsOf(member.id);
    expect(user.map((r) => [r.action, r.before?.role, r.after?.role])).toEqual([
      ['user.delete', 'admin', undefined],
      ['user.role', 'user', 'admin'],
    ]);
    const keys = await recordsOf(keyId);
    expect(keys.map((r) => [r.action, r.actor.id, r.target_type])).toEqual([
      ['api_key.delete', member.id, 'api_key'],
      ['api_key.create', member.id, 'api_key'],
    ]);
    expect(keys[1].after).toMatchObject({ name: 'test key', read_only: true, user_id: member.id });
    expect(JSON.stringify(keys)).not.toContain(key.slice(3, 20));
    // The actor's name was copied: the records outlive the deleted user.
    expect((await audit(admin, { actor_id: member.id })).body.items[0].actor).toEqual({
      id: member.id,
      name: 'Audit Member',
    });
  });

  it('records delete/all once per model deleted', async () => {
    const id = 'audit/gone-with-all';
    const before = (await audit(admin)).body.total;
    await createCustomModel(t, owner, { id, base_model_id: 'audit/base' });
    const custom = await t.dataSource.query(`SELECT id FROM models WHERE base_model_id IS NOT NULL`);
    const res = await request(t.server).delete('/api/v1/models/delete/all').set(bearer(admin.token)).expect(200);
    expect(res.body.deleted).toBe(custom.length);
    const rows = await t.dataSource.query(
      `SELECT target_id FROM audit_log WHERE action = 'model.delete' AND actor_id = $1 ORDER BY target_id`,
      [admin.id],
    );
    expect(rows.map((r: Json) => r.target_id)).toEqual(custom.map((r: Json) => r.id).sort());
    expect((await audit(admin)).body.total).toBe(before + 1 + custom.length);
    expect((await recordsOf(id))[0]).toMatchObject({ action: 'model.delete', before: { id }, after: null });
  });

  it('writes nothing when the change is refused', async () => {
    const id = 'audit/refused';
    await createCustomModel(t, owner, { id, base_model_id: 'audit/base' });
    const before = (await audit(admin)).body.total;
    expectApiError(await modelApi(t, owner).update({ id, name: 'x', version: 7 }), 409);
    expectApiError(await modelApi(t, reader).update({ id, name: 'x' }), 404);
    expect((await audit(admin)).body.total).toBe(before);
  });
});

describe('records cannot be changed or deleted', () => {
  it.each([
    ['UPDATE', `UPDATE audit_log SET actor_name = 'someone else'`],
    ['DELETE', `DELETE FROM audit_log`],
    ['TRUNCATE', `TRUNCATE audit_log`],
  ])('the database refuses %s, even to a superuser', async (_op, statement) => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`);
    await expect(t.dataSource.query(statement)).rejects.toThrow(/audit records cannot be changed or deleted/);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`)).toEqual(before);
  });

  it('has no route that writes to it', async () => {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      expect((await request(t.server)[method]('/api/audit').set(bearer(admin.token))).status).toBe(404);
    }
  });
});

describe('who reads what', () => {
  it('shows a non-admin the records of models it can write, and nothing else', async () => {
    const id = 'audit/shared';
    await createCustomModel(t, owner, {
      id,
      base_model_id: 'audit/base',
      access_grants: [userGrant(writer.id, 'write'), userGrant(reader.id, 'read')],
    });
    await createCustomModel(t, owner, { id: 'audit/private', base_model_id: 'audit/base' });
    const seen = async (actor: Actor | string) => (await audit(actor)).body.items.map((r: Json) => r.target_id);
    expect(await seen(writer)).toContain(id);
    expect(await seen(writer)).not.toContain('audit/private');
    expect((await seen(writer)).every((target: string) => target.startsWith('audit/'))).toBe(true);
    expect(await seen(reader)).not.toContain(id);
    expect((await audit(reader, { target_id: id })).body).toEqual({ items: [], total: 0 });
    // A read-only key is a reader everywhere; an admin's full credentials see every record.
    const readOnly = (await createApiKey(t, writer, { read_only: true })).key;
    expect((await audit(readOnly)).body).toEqual({ items: [], total: 0 });
    expect(await seen(admin)).toEqual(expect.arrayContaining([id, 'audit/private']));
  });

  it('filters by target, actor and time, 30 a page, newest first', async () => {
    const id = 'audit/paged';
    await createCustomModel(t, owner, { id, base_model_id: 'audit/base' });
    for (let i = 0; i < 31; i += 1) await modelApi(t, owner).toggle(id).expect(200);
    const first = await audit(owner, { target_id: id });
    expect([first.body.items.length, first.body.total]).toEqual([30, 32]);
    const second = await audit(owner, { target_id: id, page: 2 });
    expect(second.body.items.map((r: Json) => r.action)).toEqual(['model.toggle', 'model.create']);
    const ids = first.body.items.map((r: Json) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect((await audit(admin, { target_id: id, actor_id: writer.id })).body.total).toBe(0);
    expect((await audit(admin, { target_id: id, since: first.body.items[0].at + 10 })).body.total).toBe(0);
    expect((await audit(admin, { target_id: id, since: 0 })).body.total).toBe(32);
  });

  it('answers a bad parameter with a 400 naming it', async () => {
    expectApiError(await audit(admin, { actor_id: 'nobody' }), 400, /actor_id/);
    expectApiError(await audit(admin, { since: 'yesterday' }), 400, /since/);
    expectApiError(await audit(admin, { page: 'x' }), 400, /page/);
    expectApiError(await audit(admin, { other: 1 }), 400, /other/);
  });
});
