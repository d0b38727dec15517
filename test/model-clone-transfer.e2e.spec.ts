import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { startWithCast } from './support/cast';
import { snapshotTables } from './support/hostile-http';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  groupGrant,
  type Json,
  modelApi,
  publicGrant,
  sortGrants,
  userGrant,
} from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/** docs/access.md "Clone and transfer". */
describe('clone and transfer', () => {
  let t: TestApp;
  let admin: Actor;
  let owner: Actor;
  let writer: Actor;
  let reader: Actor;
  let stranger: Actor;
  let groupId: string;
  let serial = 0;
  const fresh = () => `team/source-${(serial += 1)}`;

  beforeAll(async () => {
    ({
      t,
      admin,
      users: { owner, writer, reader, stranger },
    } = await startWithCast('', ['owner', 'writer', 'reader', 'stranger']));
    groupId = await createGroup(t, admin, 'Team', [reader.id]);
    await createBaseModel(t, admin, { id: 'acme/base', context_length: 8000 });
  });
  afterAll(() => t?.close());

  /** A model of the owner's, shared with the writer (write), the team (read) and, by the admin, everyone. */
  async function source(): Promise<string> {
    const id = fresh();
    await createCustomModel(t, owner, {
      id,
      name: 'Source',
      base_model_id: 'acme/base',
      params: { system: 'secret prompt' },
      meta: { description: 'shared', tags: ['x'] },
      pricing: { input_per_million: 1, output_per_million: 2, per_request: null, currency: 'EUR' },
      access_grants: [userGrant(writer.id, 'write'), groupGrant(groupId, 'read')],
    });
    return id;
  }
  const historyOf = async (actor: Actor, id: string): Promise<Json> =>
    (await request(t.server).get('/api/models/model/history').query({ id }).set(bearer(actor.token)).expect(200)).body;
  const post = (actor: Actor | string, path: string, body: object) =>
    request(t.server)
      .post(`/api/models/model/${path}`)
      .set(bearer(typeof actor === 'string' ? actor : actor.token))
      .send(body);

  describe('clone', () => {
    it('gives a writer a private copy of its own, fields and params included, no grants', async () => {
      const id = await source();
      const res = await post(writer, 'clone', { id, new_id: `${id}-copy`, name: 'My copy' }).expect(201);
      expect(res.body).toMatchObject({
        id: `${id}-copy`,
        name: 'My copy',
        user_id: writer.id,
        base_model_id: 'acme/base',
        params: { system: 'secret prompt' },
        meta: { description: 'shared', tags: [{ name: 'x' }] },
        pricing: { input_per_million: 1, output_per_million: 2, per_request: null, currency: 'EUR' },
        context_length: 8000, // still inherited from the base model
        access_grants: [],
        write_access: true,
      });
      expectApiError(await modelApi(t, reader).get(`${id}-copy`), 404);
      expect(res.body.version).toBe(1);
      const history = await historyOf(writer, `${id}-copy`);
      expect(history.items.map((item: Json) => [item.version, item.action, item.changed_by?.id])).toEqual([
        [1, 'create', writer.id],
      ]);
    });

    it('gives a reader only what a reader sees: no params', async () => {
      const id = await source();
      const res = await post(reader, 'clone', { id, new_id: `${id}-mine` }).expect(201);
      expect(res.body).toMatchObject({ name: 'Source', user_id: reader.id, params: {}, access_grants: [] });
    });

    it('answers 404 for a model the caller cannot read, like a missing one, and creates nothing', async () => {
      const id = await source();
      const hidden = await post(stranger, 'clone', { id, new_id: 'stranger/copy' });
      const missing = await post(stranger, 'clone', { id: 'no/such', new_id: 'stranger/copy' });
      expectApiError(hidden, 404);
      expect(hidden.body).toEqual(missing.body);
      expectApiError(await modelApi(t, admin).get('stranger/copy'), 404);
    });

    it('refuses base models (400), a taken new_id (409) and a bad new_id (400)', async () => {
      const id = await source();
      expectApiError(await post(admin, 'clone', { id: 'acme/base', new_id: 'copy/base' }), 400, /base model/);
      expectApiError(await post(writer, 'clone', { id, new_id: id }), 409, /already exists/);
      expectApiError(await post(writer, 'clone', { id, new_id: 'has space' }), 400, /new_id/);
    });

    it('is refused to users who may not create models', async () => {
      const strict = await startTestApp({ userCanCreateModels: false });
      try {
        const boss = await signUp(strict, 'Boss');
        const user = await createUser(strict, boss);
        await createBaseModel(strict, boss, { id: 'acme/base' });
        await createCustomModel(strict, boss, {
          id: 'boss/m',
          base_model_id: 'acme/base',
          access_grants: [publicGrant()],
        });
        const res = await request(strict.server)
          .post('/api/models/model/clone')
          .set(bearer(user.token))
          .send({ id: 'boss/m', new_id: 'user/m' });
        expectApiError(res, 403, /admins/);
      } finally {
        await strict.close();
      }
    });
  });

  describe('transfer', () => {
    it('gives the model to another user; the old owner keeps write, other grants stay', async () => {
      const id = await source();
      const before = await modelApi(t, owner).get(id).expect(200);
      const res = await post(owner, 'transfer', { id, user_id: reader.id }).expect(200);
      expect(res.body).toMatchObject({ id, user_id: reader.id, user: { id: reader.id }, write_access: true });
      expect(res.body.version).toBe(before.body.version + 1);
      const [latest] = (await historyOf(owner, id)).items;
      expect(latest).toMatchObject({ version: res.body.version, action: 'transfer', changed_by: { id: owner.id } });
      expect(latest.snapshot.user_id).toBe(reader.id);
      const after = await modelApi(t, reader).get(id).expect(200);
      expect(sortGrants(after.body.access_grants)).toEqual(
        sortGrants([
          userGrant(writer.id, 'read'),
          userGrant(writer.id, 'write'),
          groupGrant(groupId, 'read'),
          userGrant(owner.id, 'read'),
          userGrant(owner.id, 'write'),
        ]),
      );
      // The old owner is now a writer: it may not transfer again.
      expectApiError(await post(owner, 'transfer', { id, user_id: owner.id }), 403, /owner or an admin/);
    });

    it('lets an admin transfer anyone’s model', async () => {
      const id = await source();
      await post(admin, 'transfer', { id, user_id: stranger.id }).expect(200);
      expect((await modelApi(t, stranger).get(id).expect(200)).body.user_id).toBe(stranger.id);
    });

    it('refuses writers (403), readers (403) and strangers (404), changing nothing', async () => {
      const id = await source();
      const before = await snapshotTables(t.dataSource);
      expectApiError(await post(writer, 'transfer', { id, user_id: writer.id }), 403, /owner or an admin/);
      expectApiError(await post(reader, 'transfer', { id, user_id: reader.id }), 403);
      expectApiError(await post(stranger, 'transfer', { id, user_id: stranger.id }), 404);
      expect(await snapshotTables(t.dataSource)).toEqual(before);
    });

    it('names a new owner that does not exist (400) and refuses base models (400)', async () => {
      const id = await source();
      const ghost = '00000000-0000-4000-8000-000000000000';
      expectApiError(await post(owner, 'transfer', { id, user_id: ghost }), 400, new RegExp(`user_id.*${ghost}`));
      expectApiError(await post(owner, 'transfer', { id, user_id: 'nobody' }), 400, /user_id.*nobody/);
      expectApiError(await post(admin, 'transfer', { id: 'acme/base', user_id: owner.id }), 400, /base model/);
    });

    it('is refused to read-only keys by the guard, and allowed to the owner’s full key', async () => {
      const id = await source();
      const readOnly = await createApiKey(t, owner, { read_only: true });
      expectApiError(await post(readOnly.key, 'transfer', { id, user_id: reader.id }), 403, /read-only/);
      const full = await createApiKey(t, owner);
      await post(full.key, 'transfer', { id, user_id: reader.id }).expect(200);
    });

    it('transferring to the current owner changes nothing', async () => {
      const id = await source();
      const before = await snapshotTables(t.dataSource);
      await post(owner, 'transfer', { id, user_id: owner.id }).expect(200);
      expect(await snapshotTables(t.dataSource)).toEqual(before);
    });
  });
});
