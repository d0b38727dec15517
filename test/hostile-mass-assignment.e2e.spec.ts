import request from 'supertest';
import { bearer, createGroup, createUser, signUp, type Actor } from './support/actors';
import { snapshotTables } from './support/hostile-http';
import { createBaseModel, createCustomModel, expectApiError, modelApi, userGrant } from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const FORGED_ID = '11111111-1111-4111-8111-111111111111';
const LONG_AGO = 1_000_000_000;

/**
 * Server-owned model fields a model answer carries: Open WebUI sends them back, so they are
 * accepted and ignored (docs/api.md), never applied.
 */
const MODEL_RETURNED_FIELDS: Record<string, unknown> = {
  user_id: FORGED_ID,
  created_at: LONG_AGO,
  updated_at: LONG_AGO,
  write_access: true,
  user: { id: FORGED_ID, role: 'admin' },
};

/** Server-owned model columns no answer carries: still a 400 naming them. */
const MODEL_INTERNAL_FIELDS: Record<string, unknown> = {
  is_public: true,
  name_sort: 'aaa',
  search: 'everything',
  tags: ['forged'],
};

const MODEL_SERVER_FIELDS = { ...MODEL_RETURNED_FIELDS, ...MODEL_INTERNAL_FIELDS };

let t: TestApp;
let admin: Actor;
let user: Actor;
let victim: Actor;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Mass Admin');
  user = await createUser(t, admin, { name: 'Mass User' });
  victim = await createUser(t, admin, { name: 'Victim' });
  await createBaseModel(t, admin, { id: 'acme/base' });
  await createCustomModel(t, user, { id: 'user/model', base_model_id: 'acme/base' });
});
afterAll(() => t?.close());

async function modelRow(id: string): Promise<Record<string, unknown> | undefined> {
  const rows: Array<Record<string, unknown>> = await t.dataSource.query('SELECT * FROM models WHERE id = $1', [id]);
  return rows[0];
}

describe('mass assignment on models', () => {
  it('refuses each internal server column on create with 400 naming it, storing nothing', async () => {
    for (const [field, value] of Object.entries(MODEL_INTERNAL_FIELDS)) {
      const res = await modelApi(t, user).create({
        id: 'user/forged',
        name: 'n',
        base_model_id: 'acme/base',
        [field]: value,
      });
      expectApiError(res, 400, new RegExp(`property ${field} should not exist`));
      expect(await modelRow('user/forged')).toBeUndefined();
    }
  });

  it('ignores an owner, timestamps and write_access sent on create, keeping the caller as owner', async () => {
    const res = await modelApi(t, user)
      .create({ id: 'user/created-forged', name: 'n', base_model_id: 'acme/base', ...MODEL_RETURNED_FIELDS })
      .expect(201);
    expect(res.body.user_id).toBe(user.id);
    const row = (await modelRow('user/created-forged'))!;
    expect(row).toMatchObject({ user_id: user.id, is_public: false });
    expect(Number(row.created_at)).toBeGreaterThan(LONG_AGO * 1.5);
  });

  it('refuses each internal server column on update, leaving the row as it was', async () => {
    const before = await modelRow('user/model');
    for (const [field, value] of Object.entries(MODEL_INTERNAL_FIELDS)) {
      const res = await modelApi(t, user).update({ id: 'user/model', name: 'changed', [field]: value });
      expectApiError(res, 400, new RegExp(`property ${field} should not exist`));
    }
    expect(await modelRow('user/model')).toEqual(before);
  });

  it("ignores someone else's user_id, timestamps and write_access on update: the owner stays", async () => {
    const before = (await modelRow('user/model'))!;
    const res = await modelApi(t, user)
      .update({ id: 'user/model', ...MODEL_RETURNED_FIELDS, user_id: victim.id })
      .expect(200);
    expect(res.body).toMatchObject({ user_id: user.id, created_at: Number(before.created_at) });
    expect(await modelRow('user/model')).toMatchObject({ user_id: user.id, created_at: before.created_at });
    expect(await modelApi(t, victim).get('user/model')).toHaveProperty('status', 404);
  });

  it('refuses internal columns next to a grant set on access/update, and ignores returned ones', async () => {
    const res = await request(t.server)
      .post('/api/models/model/access/update')
      .set(bearer(user.token))
      .send({ id: 'user/model', access_grants: [], is_public: true, user_id: victim.id });
    expectApiError(res, 400, /property is_public should not exist/);
    expect(await modelRow('user/model')).toMatchObject({ is_public: false, user_id: user.id });
    await request(t.server)
      .post('/api/models/model/access/update')
      .set(bearer(user.token))
      .send({ id: 'user/model', name: 'ignored', access_grants: [], user_id: victim.id, write_access: true })
      .expect(200);
    expect(await modelRow('user/model')).toMatchObject({ is_public: false, user_id: user.id });
  });

  it('ignores an owner, timestamps and write_access in an import, keeping the caller as owner', async () => {
    // What an export carries; is_public and the derived columns are not exported (refused below).
    const { is_public: _p, name_sort: _n, search: _s, tags: _t, ...exported } = MODEL_SERVER_FIELDS;
    const item = { id: 'user/imported', name: 'n', base_model_id: 'acme/base', ...exported };
    const res = await modelApi(t, user).importModels([item]).expect(200);
    expect(res.body.results).toEqual([{ id: 'user/imported', status: 'created' }]);
    const row = (await modelRow('user/imported'))!;
    expect(row).toMatchObject({ user_id: user.id, is_public: false });
    expect(Number(row.created_at)).toBeGreaterThan(LONG_AGO * 1.5);
  });

  it('skips an imported model that tries to make itself public, storing no public grant', async () => {
    const res = await modelApi(t, user)
      .importModels([{ id: 'user/sneaky', name: 'n', base_model_id: 'acme/base', is_public: true }])
      .expect(200);
    expect(res.body.results).toEqual([
      { id: 'user/sneaky', status: 'skipped', reason: expect.stringMatching(/is_public/) },
    ]);
    expect(await modelRow('user/sneaky')).toBeUndefined();
  });

  it('does not let a non-admin share with user:* through update (403) or import (left out, warned)', async () => {
    const grant = [userGrant('*')];
    const update = await modelApi(t, user).update({ id: 'user/model', access_grants: grant });
    expectApiError(update, 403);
    const imported = await modelApi(t, user)
      .importModels([{ id: 'user/public', name: 'n', base_model_id: 'acme/base', access_grants: grant }])
      .expect(200);
    expect(imported.body.results[0]).toMatchObject({ status: 'created', warnings: [expect.any(String)] });
    expect(
      await t.dataSource.query(`SELECT * FROM access_grants WHERE principal_id = '*' AND model_id LIKE 'user/%'`),
    ).toEqual([]);
  });
});

describe('mass assignment on accounts, groups and keys', () => {
  it('refuses a role, id or timestamps in a sign-up, creating no account', async () => {
    for (const extra of [{ role: 'admin' }, { id: FORGED_ID }, { created_at: LONG_AGO }, { password_hash: 'x' }]) {
      const email = `forger-${Object.keys(extra)[0]}@example.test`;
      const res = await request(t.server)
        .post('/api/auths/signup')
        .send({ name: 'Forger', email, password: 'correct-horse-battery', ...extra });
      expectApiError(res, 400, /should not exist/);
      expect(await t.dataSource.query('SELECT id FROM users WHERE email = $1', [email])).toEqual([]);
    }
  });

  it('refuses an id, timestamps or a password hash when an admin creates or changes a user', async () => {
    const before = await snapshotTables(t.dataSource);
    for (const extra of [{ id: FORGED_ID }, { created_at: LONG_AGO }, { updated_at: 1 }, { password_hash: 'x' }]) {
      const body = { name: 'Made', email: 'made@example.test', password: 'correct-horse-battery', ...extra };
      expectApiError(await request(t.server).post('/api/users').set(bearer(admin.token)).send(body), 400);
      const patch = await request(t.server).patch(`/api/users/${victim.id}`).set(bearer(admin.token)).send(extra);
      expectApiError(patch, 400, /should not exist/);
    }
    expect(await snapshotTables(t.dataSource)).toEqual(before);
  });

  it('refuses a user changing its own role through any route it can reach', async () => {
    expectApiError(
      await request(t.server).patch(`/api/users/${user.id}`).set(bearer(user.token)).send({ role: 'admin' }),
      403,
    );
    const rows = await t.dataSource.query('SELECT role FROM users WHERE id = $1', [user.id]);
    expect(rows).toEqual([{ role: 'user' }]);
  });

  it('refuses server-owned fields of a group and of members', async () => {
    const res = await request(t.server)
      .post('/api/groups')
      .set(bearer(admin.token))
      .send({ name: 'forged', id: FORGED_ID, created_at: LONG_AGO });
    expectApiError(res, 400, /should not exist/);
    expect(await t.dataSource.query(`SELECT id FROM groups WHERE name = 'forged'`)).toEqual([]);
  });

  it('refuses a key body that sets the secret, its hash, the owner or last use, storing no key', async () => {
    const groupId = await createGroup(t, admin, 'key group', [user.id]);
    const forged = { key: 'sk-' + 'a'.repeat(64), key_hash: 'x', user_id: victim.id, last_used_at: 1, id: FORGED_ID };
    for (const [field, value] of Object.entries(forged)) {
      const res = await request(t.server)
        .post('/api/keys')
        .set(bearer(user.token))
        .send({ name: 'k', group_id: groupId, [field]: value });
      expectApiError(res, 400, new RegExp(`property ${field} should not exist`));
    }
    expect(await t.dataSource.query('SELECT id FROM api_keys')).toEqual([]);
  });
});
