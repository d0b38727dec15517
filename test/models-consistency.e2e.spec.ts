import request from 'supertest';
import { Actor, bearer, createUser, signUp } from './support/actors';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  Json,
  modelApi,
  publicGrant,
  readModel,
  setGrants,
  userGrant,
} from './support/model-fixtures';
import { startTestApp, TestApp } from './support/test-app';

/** The list, tags and access follow every change to a model, its grants and its owner. */
const BASE = 'vendor/consistency-base';

let t: TestApp;
let admin: Actor;
let owner: Actor;
let other: Actor;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Admin');
  owner = await createUser(t, admin, { name: 'Quentin Owner', username: 'quentin_o' });
  other = await createUser(t, admin, { name: 'Other' });
  await createBaseModel(t, admin, { id: BASE });
});
afterAll(() => t?.close());

async function listedIds(actor: Actor, query: Record<string, string>): Promise<string[]> {
  const res = await modelApi(t, actor).list(query);
  expect(res.status).toBe(200);
  return (res.body.items as Json[]).map((item) => item.id as string);
}

describe('after an update', () => {
  const id = 'cons/updated:1';
  beforeAll(async () => {
    await createCustomModel(t, owner, {
      id,
      base_model_id: BASE,
      name: 'Walrus',
      meta: { description: 'Oysters and carpenters', tags: ['Poems'] },
    });
    const res = await modelApi(t, owner).update({
      id,
      name: 'Aardvark',
      meta: { description: 'Termites at night', tags: ['Mammals'] },
    });
    expect(res.status).toBe(200);
  });

  it('finds the model by its new name and description and no longer by the old ones', async () => {
    for (const query of ['aardvark', 'termites']) expect(await listedIds(owner, { query })).toEqual([id]);
    for (const query of ['walrus', 'oysters']) expect(await listedIds(owner, { query })).toEqual([]);
  });

  it('filters and lists tags by the new tag set only', async () => {
    expect(await listedIds(owner, { tag: 'mammals' })).toEqual([id]);
    expect(await listedIds(owner, { tag: 'poems' })).toEqual([]);
    expect((await modelApi(t, owner).tags()).body).toEqual(['mammals']);
  });

  it('sorts by the new name', async () => {
    await createCustomModel(t, owner, { id: 'cons/middle', base_model_id: BASE, name: 'Moose' });
    expect(await listedIds(owner, { order_by: 'name', direction: 'asc' })).toEqual([id, 'cons/middle']);
  });
});

describe('after an import overwrite', () => {
  it('finds the model by its imported name and tags', async () => {
    const id = 'cons/imported:1';
    await createCustomModel(t, other, { id, base_model_id: BASE, name: 'Heron', meta: { tags: ['birds'] } });
    const res = await modelApi(t, other).importModels([
      { id, base_model_id: BASE, name: 'Salamander', meta: { tags: ['Amphibians'] } },
    ]);
    expect(res.body.results).toEqual([expect.objectContaining({ id, status: 'updated' })]);
    expect(await listedIds(other, { query: 'salamander' })).toEqual([id]);
    expect(await listedIds(other, { query: 'heron' })).toEqual([]);
    expect(await listedIds(other, { tag: 'AMPHIBIANS' })).toEqual([id]);
    expect(await listedIds(other, { tag: 'birds' })).toEqual([]);
  });
});

describe("after the owner's name changes", () => {
  it('finds their models by the new name and no longer by the old one', async () => {
    await createCustomModel(t, owner, { id: 'cons/by-owner', base_model_id: BASE, name: 'Plain' });
    const res = await request(t.server)
      .patch(`/api/users/${owner.id}`)
      .set(bearer(admin.token))
      .send({ name: 'Rosalind Renamed' });
    expect(res.status).toBe(200);
    expect(await listedIds(admin, { query: 'rosalind' })).toContain('cons/by-owner');
    expect(await listedIds(admin, { query: 'quentin owner' })).toEqual([]);
    expect(await listedIds(admin, { query: 'quentin_o' })).toContain('cons/by-owner');
    const item = (await modelApi(t, admin).list({ query: 'cons/by-owner' })).body.items[0];
    expect(item.user).toMatchObject({ id: owner.id, name: 'Rosalind Renamed', username: 'quentin_o' });
  });
});

describe('public grants', () => {
  const id = 'cons/public:1';
  beforeAll(() => createCustomModel(t, owner, { id, base_model_id: BASE, name: 'Shared Widely' }));

  it('shows a model to every user while it has a user:* grant, and hides it again once removed', async () => {
    await setGrants(t, admin, id, [publicGrant('read')]);
    expect(await listedIds(other, { query: 'shared widely' })).toEqual([id]);
    expect((await readModel(t, other, id)).write_access).toBe(false);
    await setGrants(t, owner, id, [userGrant(admin.id, 'read')]);
    expect(await listedIds(other, { query: 'shared widely' })).toEqual([]);
    expectApiError(await modelApi(t, other).get(id), 404);
  });

  it('hides a model again when an update replaces the grants without user:*', async () => {
    await setGrants(t, admin, id, [publicGrant('read')]);
    expect((await modelApi(t, owner).update({ id, access_grants: [] })).status).toBe(200);
    expect(await listedIds(other, { query: 'shared widely' })).toEqual([]);
  });

  it('lets every user write a model with a user:* write grant', async () => {
    await setGrants(t, admin, id, [publicGrant('write')]);
    expect((await readModel(t, other, id)).write_access).toBe(true);
    expect((await modelApi(t, other).update({ id, name: 'Edited by anyone' })).status).toBe(200);
    expect((await readModel(t, owner, id)).name).toBe('Edited by anyone');
  });

  it('makes an admin-imported model with user:* visible to every user', async () => {
    const imported = { id: 'cons/public-import', base_model_id: BASE, name: 'Imported Public' };
    const res = await modelApi(t, admin).importModels([{ ...imported, access_grants: [publicGrant('read')] }]);
    expect(res.body.results).toEqual([expect.objectContaining({ id: imported.id, status: 'created' })]);
    expect(await listedIds(other, { query: 'imported public' })).toEqual([imported.id]);
  });
});
