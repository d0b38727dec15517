import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, type Actor } from './support/actors';
import { startWithCast } from './support/cast';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  groupGrant,
  publicGrant,
  userGrant,
} from './support/model-fixtures';
import type { TestApp } from './support/test-app';

/** docs/access.md "Explaining access": who may ask, and what the answer says (the property test checks the rest). */
describe('GET /api/models/model/access/explain', () => {
  let t: TestApp;
  let admin: Actor;
  let owner: Actor;
  let writer: Actor;
  let reader: Actor;
  let outsider: Actor;
  let groupId: string;
  const MODEL = 'team/assistant';

  beforeAll(async () => {
    ({
      t,
      admin,
      users: { owner, writer, reader, outsider },
    } = await startWithCast('', ['owner', 'writer', 'reader', 'outsider']));
    groupId = await createGroup(t, admin, 'Research', [reader.id, writer.id]);
    await createBaseModel(t, admin, { id: 'acme/base' });
    await createCustomModel(t, owner, {
      id: MODEL,
      base_model_id: 'acme/base',
      access_grants: [userGrant(writer.id, 'write'), groupGrant(groupId, 'read')],
    });
  });
  afterAll(() => t?.close());

  const explain = (asker: Actor | string, query: Record<string, string>, prefix = '/api') =>
    request(t.server)
      .get(`${prefix}/models/model/access/explain`)
      .query(query)
      .set(bearer(typeof asker === 'string' ? asker : asker.token));

  it('explains a writer to the owner: a direct write grant and a read through a group, named', async () => {
    const res = await explain(owner, { id: MODEL, user_id: writer.id }).expect(200);
    expect(res.body).toEqual({
      can_read: true,
      can_write: true,
      because: [
        { rule: 'user_grant', permission: 'write' },
        { rule: 'group_grant', permission: 'read', group: { id: groupId, name: 'Research' } },
      ],
    });
  });

  it('explains the owner and an admin (bypass) to an admin, also under /api/v1', async () => {
    const self = await explain(admin, { id: MODEL, user_id: owner.id }, '/api/v1').expect(200);
    expect(self.body).toEqual({ can_read: true, can_write: true, because: [{ rule: 'owner', permission: 'write' }] });
    const bypass = await explain(admin, { id: MODEL }).expect(200);
    expect(bypass.body).toEqual({ can_read: true, can_write: true, because: [{ rule: 'admin', permission: 'write' }] });
  });

  it('says no, with no reasons, for someone nothing grants', async () => {
    const res = await explain(owner, { id: MODEL, user_id: outsider.id }).expect(200);
    expect(res.body).toEqual({ can_read: false, can_write: false, because: [] });
  });

  it('lets a writer ask about itself, but not about others; a reader may not ask at all', async () => {
    const self = await explain(writer, { id: MODEL }).expect(200);
    expect(self.body.can_write).toBe(true);
    expectApiError(await explain(writer, { id: MODEL, user_id: reader.id }), 403, /owner/);
    expectApiError(await explain(reader, { id: MODEL }), 403, /owner/);
  });

  it('answers 404 for a model the asker cannot read exactly as for a missing one', async () => {
    const hidden = await explain(outsider, { id: MODEL, user_id: outsider.id });
    const missing = await explain(outsider, { id: 'no/such-model', user_id: outsider.id });
    expectApiError(hidden, 404);
    expect(hidden.body).toEqual(missing.body);
  });

  it('names a user or key that is not found, and treats another user’s key as not found', async () => {
    const ghost = '00000000-0000-4000-8000-000000000000';
    expectApiError(await explain(owner, { id: MODEL, user_id: ghost }), 404, new RegExp(`user_id.*${ghost}`));
    expectApiError(await explain(owner, { id: MODEL, user_id: 'not-a-uuid' }), 404, /user_id.*not-a-uuid/);
    expectApiError(await explain(owner, { id: MODEL, user_id: reader.id, key_id: ghost }), 404, /key_id/);
    const writersKey = await createApiKey(t, writer);
    expectApiError(await explain(owner, { id: MODEL, user_id: reader.id, key_id: writersKey.id }), 404, /key_id/);
  });

  it('explains a key: its narrowing and its read-only rule take away what the grants give', async () => {
    const groupKey = await createApiKey(t, writer, { group_id: groupId });
    const res = await explain(owner, { id: MODEL, user_id: writer.id, key_id: groupKey.id }).expect(200);
    expect(res.body).toEqual({
      can_read: true,
      can_write: false,
      because: [
        { rule: 'user_grant', permission: 'write' },
        { rule: 'group_grant', permission: 'read', group: { id: groupId, name: 'Research' } },
        { rule: 'key_narrowing', permission: 'read' },
        { rule: 'key_read_only', permission: 'read' },
      ],
    });
    const elsewhere = await createApiKey(t, writer, { models: ['other/model'] });
    const out = await explain(owner, { id: MODEL, user_id: writer.id, key_id: elsewhere.id }).expect(200);
    expect(out.body).toMatchObject({ can_read: false, can_write: false });
    expect(out.body.because).toContainEqual({ rule: 'key_narrowing', permission: 'none' });
  });

  it('says why an expired key or a pending account can use nothing, whatever the rules grant', async () => {
    const key = await createApiKey(t, writer, { expires_at: Math.floor(Date.now() / 1000) + 3600 });
    await t.dataSource.query('UPDATE api_keys SET expires_at = 1 WHERE id = $1', [key.id]);
    const expired = await explain(owner, { id: MODEL, user_id: writer.id, key_id: key.id }).expect(200);
    expect(expired.body).toMatchObject({ can_read: false, can_write: false, refused: 'the API key has expired' });
    expect(expired.body.because).toContainEqual({ rule: 'user_grant', permission: 'write' });
    const pending = await createUser(t, admin, { role: 'pending' });
    await request(t.server)
      .post('/api/models/model/access/update')
      .set(bearer(admin.token))
      .send({ id: MODEL, access_grants: [publicGrant(), userGrant(writer.id, 'write'), groupGrant(groupId)] })
      .expect(200);
    const res = await explain(admin, { id: MODEL, user_id: pending.id }).expect(200);
    expect(res.body).toEqual({
      can_read: false,
      can_write: false,
      because: [{ rule: 'public', permission: 'read' }],
      refused: 'the account is pending approval',
    });
  });

  it('refuses a read-only key (a reader) with 403, and a narrowed key outside its narrowing with 404', async () => {
    const readOnly = await createApiKey(t, owner, { read_only: true });
    expectApiError(await explain(readOnly.key, { id: MODEL, user_id: writer.id }), 403, /read-only/);
    const full = await createApiKey(t, owner);
    await explain(full.key, { id: MODEL, user_id: writer.id }).expect(200);
    const narrowed = await createApiKey(t, owner, { models: ['other/model'] });
    expectApiError(await explain(narrowed.key, { id: MODEL, user_id: writer.id }), 404);
  });

  it('requires id', async () => {
    expectApiError(await explain(owner, {}), 400, /id/);
  });
});
