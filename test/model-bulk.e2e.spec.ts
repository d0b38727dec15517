import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { snapshotTables } from './support/hostile-http';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  groupGrant,
  type Json,
  listAll,
  modelApi,
  publicGrant,
  sortGrants,
  storedGrantsOf,
  userGrant,
} from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/** docs/api.md "Bulk changes". */
describe('POST /api/models/bulk', () => {
  let t: TestApp;
  let admin: Actor;
  let owner: Actor;
  let other: Actor;
  let stranger: Actor;
  let groupId: string;
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Admin');
    owner = await createUser(t, admin, { name: 'Owner' });
    other = await createUser(t, admin, { name: 'Other' });
    stranger = await createUser(t, admin, { name: 'Stranger' });
    groupId = await createGroup(t, admin, 'Team', [stranger.id]);
    await createBaseModel(t, admin, { id: 'acme/base' });
  });
  afterAll(() => t?.close());

  const bulk = (actor: Actor | string, body: object) =>
    request(t.server)
      .post('/api/models/bulk')
      .set(bearer(typeof actor === 'string' ? actor : actor.token))
      .send(body);

  /** Per tag: two models of the owner's, one of other's the owner can read, one it can write, one it cannot see. */
  async function world(): Promise<Record<'own1' | 'own2' | 'readable' | 'writable' | 'unseen', string>> {
    const tag = `batch-${(serial += 1)}`;
    const make = async (actor: Actor, name: string, grants: Json[] = []) => {
      const id = `${tag}/${name}`;
      await createCustomModel(t, actor, {
        id,
        base_model_id: 'acme/base',
        meta: { tags: [tag] },
        access_grants: grants,
      });
      return id;
    };
    return {
      own1: await make(owner, 'own1'),
      own2: await make(owner, 'own2'),
      readable: await make(other, 'readable', [userGrant(owner.id, 'read')]),
      writable: await make(other, 'writable', [userGrant(owner.id, 'write')]),
      unseen: await make(other, 'unseen'),
    };
  }
  const historyOf = async (actor: Actor, id: string): Promise<Json> =>
    (await request(t.server).get('/api/models/model/history').query({ id }).set(bearer(actor.token)).expect(200)).body;
  const tagOf = (id: string) => id.split('/')[0];
  const byId = (results: Json[]) => Object.fromEntries(results.map((r: Json) => [r.id, r]));

  it('deactivates what the list filter matches and the caller can write; read-only is skipped', async () => {
    const w = await world();
    const res = await bulk(owner, { filter: { tag: tagOf(w.own1) }, action: 'deactivate' }).expect(200);
    expect(res.body.matched).toBe(4);
    expect(byId(res.body.results)).toEqual({
      [w.own1]: { id: w.own1, status: 'changed' },
      [w.own2]: { id: w.own2, status: 'changed' },
      [w.writable]: { id: w.writable, status: 'changed' },
      [w.readable]: { id: w.readable, status: 'skipped', reason: 'read only' },
    });
    for (const id of [w.own1, w.own2, w.writable]) {
      expect((await modelApi(t, owner).get(id)).body.is_active).toBe(false);
    }
    expect((await modelApi(t, other).get(w.readable)).body.is_active).toBe(true);
    const again = await bulk(owner, { filter: { tag: tagOf(w.own1) }, action: 'deactivate' }).expect(200);
    expect(again.body.results.filter((r: Json) => r.status === 'unchanged')).toHaveLength(3);
  });

  it('matches exactly what the workspace list shows for the same filters', async () => {
    const w = await world();
    for (const filter of [
      { tag: tagOf(w.own1) },
      { tag: tagOf(w.own1), view_option: 'created' as const },
      { tag: tagOf(w.own1), view_option: 'shared' as const },
      { query: 'own2' },
    ]) {
      const listed = await listAll(t, owner, filter);
      const res = await bulk(owner, { filter, action: 'activate', dry_run: true }).expect(200);
      expect({ filter, ids: res.body.results.map((r: Json) => r.id).sort() }).toEqual({
        filter,
        ids: [...listed.ids].sort(),
      });
      expect(res.body.matched).toBe(listed.ids.length);
    }
  });

  it('reports an id the caller cannot read exactly like a missing one, in the order sent', async () => {
    const w = await world();
    const res = await bulk(owner, {
      filter: { ids: [w.unseen, 'no/such-model', w.own1, w.own1] },
      action: 'hide',
    }).expect(200);
    expect(res.body).toEqual({
      matched: 1,
      results: [
        { id: w.unseen, status: 'skipped', reason: 'not found' },
        { id: 'no/such-model', status: 'skipped', reason: 'not found' },
        { id: w.own1, status: 'changed' },
      ],
    });
    const hidden = (await modelApi(t, owner).get(w.own1)).body;
    expect([hidden.meta.hidden, hidden.version]).toEqual([true, 2]);
    expect((await historyOf(owner, w.own1)).items[0]).toMatchObject({ version: 2, action: 'update' });
    const ids = (await request(t.server).get('/v1/models').set(bearer(owner.token))).body.data.map((m: Json) => m.id);
    expect(ids).not.toContain(w.own1);
    await bulk(owner, { filter: { ids: [w.own1] }, action: 'unhide' }).expect(200);
    expect((await modelApi(t, owner).get(w.own1)).body.meta.hidden).toBe(false);
  });

  it('changes nothing in a dry run, and reports what the real call then does', async () => {
    const w = await world();
    const body = { filter: { tag: tagOf(w.own1) }, action: 'share', grants: [groupGrant(groupId, 'write')] };
    const before = await snapshotTables(t.dataSource);
    const dry = await bulk(owner, { ...body, dry_run: true }).expect(200);
    expect(await snapshotTables(t.dataSource)).toEqual(before);
    const real = await bulk(owner, body).expect(200);
    expect(real.body).toEqual(dry.body);
    // Each change is a new version with its history entry, as an access update would record it.
    const [latest] = (await historyOf(owner, w.own1)).items;
    expect(latest).toMatchObject({ version: 2, action: 'access', changed_by: { id: owner.id } });
    expect((await historyOf(other, w.readable)).items).toHaveLength(1);
    expect((await modelApi(t, stranger).get(w.own1)).body.write_access).toBe(true);
  });

  it('share adds or raises grants and keeps the others; unshare removes the named principals', async () => {
    const w = await world();
    await modelApi(t, owner).setAccess(w.own1, [userGrant(other.id, 'read'), groupGrant(groupId, 'write')]);
    const share = await bulk(owner, {
      filter: { ids: [w.own1, w.own2] },
      action: 'share',
      grants: [userGrant(other.id, 'write'), groupGrant(groupId, 'read')],
    }).expect(200);
    expect(share.body.results.map((r: Json) => r.status)).toEqual(['changed', 'changed']);
    const grantsOf = async (id: string) => sortGrants((await modelApi(t, owner).get(id)).body.access_grants);
    const expected = (grants: Json[]) =>
      sortGrants(
        storedGrantsOf(grants).flatMap((g) =>
          g.permission === 'write' ? [{ ...g, permission: 'read' as const }, g] : [g],
        ),
      );
    expect(await grantsOf(w.own1)).toEqual(expected([userGrant(other.id, 'write'), groupGrant(groupId, 'write')]));
    expect(await grantsOf(w.own2)).toEqual(expected([userGrant(other.id, 'write'), groupGrant(groupId, 'read')]));
    const unshare = await bulk(owner, {
      filter: { ids: [w.own1, w.own2] },
      action: 'unshare',
      grants: [{ principal_type: 'user', principal_id: other.id }],
    }).expect(200);
    expect(unshare.body.results.map((r: Json) => r.status)).toEqual(['changed', 'changed']);
    expect(await grantsOf(w.own1)).toEqual(expected([groupGrant(groupId, 'write')]));
  });

  it('refuses a public share by a non-admin with 403 and changes nothing; an admin may', async () => {
    const w = await world();
    const before = await snapshotTables(t.dataSource);
    const body = { filter: { ids: [w.own1] }, action: 'share', grants: [publicGrant()] };
    expectApiError(await bulk(owner, body), 403, /admins/);
    expect(await snapshotTables(t.dataSource)).toEqual(before);
    await bulk(admin, body).expect(200);
    expect((await modelApi(t, stranger).get(w.own1)).status).toBe(200);
  });

  it('deletes whole models; a base model in use is skipped with the reason', async () => {
    const w = await world();
    const res = await bulk(admin, { filter: { ids: [w.own1, 'acme/base'] }, action: 'delete' }).expect(200);
    expect(res.body.results).toEqual([
      { id: w.own1, status: 'changed' },
      { id: 'acme/base', status: 'skipped', reason: expect.stringMatching(/custom models built on it/) },
    ]);
    expectApiError(await modelApi(t, admin).get(w.own1), 404);
    expect(await t.dataSource.query('SELECT 1 FROM access_grants WHERE model_id = $1', [w.own1])).toEqual([]);
  });

  it('answers 400 naming what is wrong, changing nothing', async () => {
    const before = await snapshotTables(t.dataSource);
    const cases: Array<[object, RegExp]> = [
      [{ action: 'hide' }, /filter/],
      [{ filter: {}, action: 'explode' }, /action/],
      [{ filter: { ids: ['a'], tag: 'x' }, action: 'hide' }, /either ids/],
      [{ filter: { ids: 'a' }, action: 'hide' }, /ids/],
      [{ filter: {}, action: 'share' }, /grants/],
      [{ filter: {}, action: 'hide', grants: [publicGrant()] }, /grants/],
      [{ filter: {}, action: 'share', grants: [{ principal_type: 'user', principal_id: other.id }] }, /permission/],
      [{ filter: {}, action: 'share', grants: [userGrant('00000000-0000-4000-8000-000000000000')] }, /no user/],
      [{ filter: {}, action: 'hide', dry_run: 'yes' }, /dry_run/],
    ];
    for (const [body, detail] of cases) expectApiError(await bulk(owner, body), 400, detail);
    expect(await snapshotTables(t.dataSource)).toEqual(before);
  });

  it('is refused to read-only keys, dry runs included, before any lookup', async () => {
    const key = await createApiKey(t, owner, { read_only: true });
    expectApiError(await bulk(key.key, { filter: {}, action: 'hide', dry_run: true }), 403, /read-only/);
  });

  it('refuses more than 1,000 models to change with a 400 naming the count; unchanged ones do not count', async () => {
    const tag = 'many';
    const models = Array.from({ length: 1001 }, (_, i) => ({
      id: `many/m-${i}`,
      name: `m ${i}`,
      base_model_id: 'acme/base',
      meta: { tags: [tag] },
    }));
    for (const part of [models.slice(0, 1000), models.slice(1000)]) {
      await modelApi(t, other).importModels(part).expect(200);
    }
    const before = await snapshotTables(t.dataSource);
    expectApiError(await bulk(other, { filter: { tag }, action: 'hide' }), 400, /1001 models/);
    expectApiError(await bulk(other, { filter: { tag }, action: 'hide', dry_run: true }), 400, /1001 models/);
    expect(await snapshotTables(t.dataSource)).toEqual(before);
    await bulk(other, { filter: { ids: ['many/m-0'] }, action: 'hide' }).expect(200);
    const res = await bulk(other, { filter: { tag }, action: 'hide' }).expect(200);
    expect(res.body.matched).toBe(1001);
    expect(res.body.results.filter((r: Json) => r.status === 'changed')).toHaveLength(1000);
  }, 300_000); // seeds 1,001 models through import: slow on a loaded machine, never timed
});
