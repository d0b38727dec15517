import { Actor, createGroup, createUser, signUp } from './support/actors';
import {
  answeredGrants,
  createBaseModel,
  createCustomModel,
  expectApiError,
  groupGrant,
  Json,
  MODEL_FIELDS,
  modelApi,
  ownerSummary,
  readModel,
  sortGrants,
  TINY_PNG_BASE64,
  userGrant,
} from './support/model-fixtures';
import { startTestApp, TestApp } from './support/test-app';

const BASE = 'vendor/base-model:2024.1';
const BASE_PRICING = { input_per_million: 3, output_per_million: 15, per_request: 0, currency: 'EUR' };

let t: TestApp;
let admin: Actor;
let owner: Actor;
let other: Actor;
let stranger: Actor;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Admin');
  owner = await createUser(t, admin, { name: 'Owner' });
  other = await createUser(t, admin, { name: 'Other' });
  stranger = await createUser(t, admin, { name: 'Stranger' });
  await createBaseModel(t, admin, {
    id: BASE,
    owned_by: 'vendor',
    supported_endpoint_types: ['chat', 'completion'],
    pricing: BASE_PRICING,
  });
});
afterAll(() => t?.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sortTags = (tags: Array<{ name: string }>) => [...tags].sort((a, b) => a.name.localeCompare(b.name));

describe('create and read', () => {
  it('creates a custom model, answers 201 with every list field, and reads it back the same', async () => {
    const id = 'acme/coder:v1.2-x_y';
    const started = nowSeconds();
    const body = {
      id,
      base_model_id: BASE,
      name: 'Coder',
      params: { system: 'You write code.', temperature: 0.1 },
      meta: { description: 'Writes code', capabilities: { vision: false } },
      access_grants: [userGrant(other.id, 'read')],
    };
    const res = await modelApi(t, owner).create(body);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(MODEL_FIELDS);
    expect(res.body).toMatchObject({
      ...body,
      user_id: owner.id,
      is_active: true,
      write_access: true,
      user: ownerSummary(owner),
      owned_by: 'vendor',
      supported_endpoint_types: ['chat', 'completion'],
      pricing: BASE_PRICING,
    });
    expect(res.body.created_at).toBeGreaterThanOrEqual(started - 1);
    expect(res.body.created_at).toBeLessThanOrEqual(nowSeconds() + 1);
    expect(res.body.updated_at).toBe(res.body.created_at);
    expect(await readModel(t, owner, id)).toEqual(res.body);
  });

  it('gives base models endpoint types ["chat"] by default', async () => {
    const base = await createBaseModel(t, admin, { id: 'vendor/plain', owned_by: 'plain-co' });
    expect(base).toMatchObject({ base_model_id: null, owned_by: 'plain-co', supported_endpoint_types: ['chat'] });
  });

  it('keeps its own owned_by, endpoint types and pricing, with currency USD by default', async () => {
    const model = await createCustomModel(t, owner, {
      id: 'acme/own-values',
      base_model_id: BASE,
      owned_by: 'acme',
      supported_endpoint_types: ['embedding'],
      pricing: { input_per_million: 1.5, output_per_million: 0 },
    });
    expect(model).toMatchObject({ owned_by: 'acme', supported_endpoint_types: ['embedding'] });
    expect(model.pricing).toMatchObject({ input_per_million: 1.5, output_per_million: 0, currency: 'USD' });
  });

  it("shows the base model's current pricing on a custom model that has none", async () => {
    await createCustomModel(t, owner, { id: 'acme/inherits', base_model_id: 'vendor/plain' });
    const newPricing = { input_per_million: 2, output_per_million: 4, per_request: 0.01, currency: 'USD' };
    expect((await modelApi(t, admin).update({ id: 'vendor/plain', pricing: newPricing })).status).toBe(200);
    expect(await readModel(t, owner, 'acme/inherits')).toMatchObject({ owned_by: 'plain-co', pricing: newPricing });
  });

  it('stores tags lower-cased once each, accepting plain strings', async () => {
    const tags = ['Coding', 'coding', { name: 'CODING' }, 'Research', { name: 'research' }];
    const model = await createCustomModel(t, owner, { id: 'acme/tagged', base_model_id: BASE, meta: { tags } });
    expect(sortTags(model.meta.tags)).toEqual([{ name: 'coding' }, { name: 'research' }]);
    await modelApi(t, owner).update({ id: 'acme/tagged', meta: { tags: ['SQL', { name: 'sql' }, 'Data'] } });
    expect(sortTags((await readModel(t, owner, 'acme/tagged')).meta.tags)).toEqual([{ name: 'data' }, { name: 'sql' }]);
  });

  it('answers concurrent creates of one id with one 201 and 409 for the rest', async () => {
    const api = modelApi(t, owner);
    const body = (n: number) => ({ id: 'acme/raced', base_model_id: BASE, name: `Racer ${n}` });
    const statuses = (await Promise.all([1, 2, 3, 4, 5, 6].map((n) => api.create(body(n))))).map((r) => r.status);
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('never takes user_id, created_at or write_access from the client', async () => {
    const id = 'acme/forged';
    const res = await modelApi(t, owner).create({
      id,
      base_model_id: BASE,
      name: 'Forged',
      user_id: other.id,
      created_at: 1,
      updated_at: 1,
      write_access: false,
    });
    if (res.status === 400) return expectApiError(await modelApi(t, admin).get(id), 404);
    expect(res.status).toBe(201);
    const stored = await readModel(t, owner, id);
    expect(stored).toMatchObject({ user_id: owner.id, write_access: true });
    expect(stored.created_at).toBeGreaterThan(nowSeconds() - 60);
    expectApiError(await modelApi(t, other).get(id), 404);
    const update = await modelApi(t, owner).update({ id, user_id: other.id, created_at: 2 });
    expect([200, 400]).toContain(update.status);
    expect(await readModel(t, owner, id)).toMatchObject({ user_id: owner.id, created_at: stored.created_at });
  });
});

describe('field validation', () => {
  const big = (bytes: number) => ({ blob: 'x'.repeat(bytes) });
  it.each([
    ['an empty id', { id: '' }, /\bid\b/],
    ['an id of 257 characters', { id: 'a'.repeat(257) }, /\bid\b/],
    ['an id with a space', { id: 'has space' }, /\bid\b/],
    ['an id with a tab', { id: 'tab\there' }, /\bid\b/],
    ['an id with a newline', { id: 'new\nline' }, /\bid\b/],
    ['an id with #', { id: 'hash#tag' }, /\bid\b/],
    ['an id with ?', { id: 'q?x' }, /\bid\b/],
    ['an empty name', { name: '' }, /name/],
    ['a name of 257 characters', { name: 'n'.repeat(257) }, /name/],
    ['params over 64 KiB', { params: big(70 * 1024) }, /params/],
    ['params that are not an object', { params: 'system prompt' }, /params/],
    ['meta over 256 KiB', { meta: big(270 * 1024) }, /meta/],
    ['a negative price', { pricing: { input_per_million: -1 } }, /pricing|input_per_million/],
    ['a price given as a string', { pricing: { output_per_million: '2' } }, /pricing|output_per_million/],
    ['an unknown endpoint type', { supported_endpoint_types: ['chat', 'video'] }, /supported_endpoint_types/],
    ['a context_length that is not an integer', { context_length: 1.5 }, /context_length/],
    [
      'a grant with an unknown permission',
      { access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'own' }] },
      /access_grants|permission/,
    ],
    [
      'a grant with an unknown principal type',
      { access_grants: [{ principal_type: 'role', principal_id: 'x', permission: 'read' }] },
      /access_grants|principal_type/,
    ],
  ])('rejects %s with 400 naming the field and stores nothing', async (_what, patch, field) => {
    const body = { id: 'valid/id', base_model_id: BASE, name: 'Valid', ...patch };
    expectApiError(await modelApi(t, owner).create(body), 400, field);
    if (body.id === 'valid/id') expectApiError(await modelApi(t, admin).get(body.id), 404);
    else if (body.id !== '') expect([400, 404]).toContain((await modelApi(t, admin).get(body.id)).status);
  });

  it.each([
    ['an id of 256 characters using every allowed character', { id: 'aZ09/:.-_'.repeat(28) + 'abcd' }],
    ['a name of 256 characters', { id: 'bounds/name', name: 'n'.repeat(256) }],
    ['params just under 64 KiB', { id: 'bounds/params', params: big(60 * 1024) }],
    ['meta just under 256 KiB', { id: 'bounds/meta', meta: big(250 * 1024) }],
  ])('accepts %s', async (_what, patch) => {
    const body = { base_model_id: BASE, name: 'Bounds', ...patch };
    const res = await modelApi(t, owner).create(body);
    expect(res.status).toBe(201);
    expect((await readModel(t, owner, body.id)).name).toBe(body.name);
  });
});

describe('the id parameter', () => {
  it('answers 400 naming id when a single-model route gets none', async () => {
    const api = modelApi(t, owner);
    for (const res of [await api.get(), await api.toggle(), await api.update({ name: 'x' }), await api.remove('')]) {
      expectApiError(res, 400, /\bid\b/);
    }
  });

  it('answers 400 naming id for an empty id in the query string', async () => {
    const api = modelApi(t, owner);
    for (const res of [await api.get(''), await api.toggle('')]) expectApiError(res, 400, /\bid\b/);
  });

  it('answers 404 for an id that does not exist on every single-model route', async () => {
    const api = modelApi(t, owner);
    const id = 'no/such:model';
    for (const res of [
      await api.get(id),
      await api.toggle(id),
      await api.update({ id, name: 'x' }),
      await api.remove(id),
    ]) {
      expectApiError(res, 404);
    }
    expectApiError(await api.setAccess(id, []), 404);
  });
});

describe('update, toggle and delete', () => {
  const id = 'team:partial.v1/x';
  let original: Json;
  beforeAll(async () => {
    original = await createCustomModel(t, owner, {
      id,
      base_model_id: BASE,
      name: 'Partial',
      params: { system: 'keep me' },
      meta: { description: 'kept', tags: ['keep'] },
      access_grants: [userGrant(other.id, 'write')],
    });
  });

  it('changes only the fields sent and keeps grants when access_grants is left out', async () => {
    const res = await modelApi(t, owner).update({ id, name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(MODEL_FIELDS);
    const after = await readModel(t, owner, id);
    expect(after).toEqual({ ...original, name: 'Renamed', updated_at: after.updated_at, version: 2 });
    expect(after.updated_at).toBeGreaterThanOrEqual(original.updated_at);
    await modelApi(t, other).update({ id, params: { temperature: 1 } });
    expect(await readModel(t, owner, id)).toMatchObject({
      name: 'Renamed',
      params: { temperature: 1 },
      meta: original.meta,
    });
    expect(sortGrants((await readModel(t, owner, id)).access_grants)).toEqual(
      answeredGrants([userGrant(other.id, 'write')]),
    );
  });

  it('replaces the grant set through update and access/update', async () => {
    await modelApi(t, owner).update({ id, access_grants: [] });
    expect((await readModel(t, owner, id)).access_grants).toEqual([]);
    expectApiError(await modelApi(t, other).get(id), 404);
    const res = await modelApi(t, owner).setAccess(id, [userGrant(other.id, 'read'), userGrant(other.id, 'write')]);
    expect(res.status).toBe(200);
    // One grant stored, answered in Open WebUI's shape: read + write.
    expect(res.body.access_grants).toEqual(answeredGrants([userGrant(other.id, 'write')]));
    expect((await readModel(t, other, id)).write_access).toBe(true);
  });

  it('moves a model to another readable base model, but not to one the caller cannot read (400)', async () => {
    await createBaseModel(t, admin, { id: 'vendor/secret-base', access_grants: [] });
    const before = await readModel(t, owner, id);
    expectApiError(await modelApi(t, owner).update({ id, base_model_id: 'vendor/secret-base' }), 400, /base_model_id/);
    expect(await readModel(t, owner, id)).toEqual(before);
    expect((await modelApi(t, owner).update({ id, base_model_id: 'vendor/plain' })).body.base_model_id).toBe(
      'vendor/plain',
    );
  });

  it('flips is_active on each toggle and answers the model', async () => {
    const first = await modelApi(t, owner).toggle(id);
    expect([first.status, first.body.id, first.body.is_active]).toEqual([200, id, false]);
    expect((await readModel(t, owner, id)).is_active).toBe(false);
    const listed = (await modelApi(t, owner).list({ query: id })).body.items as Json[];
    expect(listed.map((item) => [item.id, item.is_active])).toEqual([[id, false]]);
    const second = await modelApi(t, owner).toggle(id);
    expect([second.status, second.body.is_active]).toEqual([200, true]);
  });

  it('deletes the model with its grants: 404 afterwards and a re-created id starts private', async () => {
    const res = await modelApi(t, owner).remove(id);
    expect([res.status, res.body]).toEqual([200, { id, deleted: true }]);
    expectApiError(await modelApi(t, owner).get(id), 404);
    expectApiError(await modelApi(t, owner).remove(id), 404);
    const again = await createCustomModel(t, owner, { id, base_model_id: BASE });
    expect(again.access_grants).toEqual([]);
    expectApiError(await modelApi(t, other).get(id), 404);
  });
});

describe('export and import', () => {
  const ids = ['io/first:1.0', 'io/second_2'];
  let exported: Json[];

  beforeAll(async () => {
    await createCustomModel(t, owner, {
      id: ids[0],
      base_model_id: BASE,
      name: 'First',
      params: { system: 'one' },
      meta: { description: 'first', tags: [{ name: 'io' }] },
      access_grants: [userGrant(other.id, 'read')],
    });
    await createCustomModel(t, owner, { id: ids[1], base_model_id: BASE, name: 'Second', params: { system: 'two' } });
    await createCustomModel(t, stranger, { id: 'io/strangers', base_model_id: BASE, name: 'Theirs' });
  });

  it('exports every model the caller can write, with grants', async () => {
    const res = await modelApi(t, owner).exportAll();
    expect(res.status).toBe(200);
    exported = (res.body as Json[]).filter((m) => ids.includes(m.id));
    expect(exported.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(res.body.map((m: Json) => m.id)).not.toContain('io/strangers');
    const first = exported.find((m) => m.id === ids[0]);
    expect(first).toMatchObject({
      name: 'First',
      params: { system: 'one' },
      access_grants: [userGrant(other.id, 'read')],
    });
  });

  it('re-creates deleted models from an export and reports each as created', async () => {
    for (const id of ids) expect((await modelApi(t, owner).remove(id)).status).toBe(200);
    const res = await modelApi(t, owner).importModels(exported);
    expect([200, 201]).toContain(res.status);
    expect(res.body.results).toEqual(exported.map((m) => expect.objectContaining({ id: m.id, status: 'created' })));
    for (const original of exported) {
      const back = await readModel(t, owner, original.id);
      expect({ ...back, access_grants: sortGrants(back.access_grants) }).toMatchObject({
        name: original.name,
        params: original.params,
        meta: original.meta,
        base_model_id: BASE,
        user_id: owner.id,
        access_grants: sortGrants(original.access_grants),
      });
    }
  });

  it('overwrites models the caller can write and skips, with a reason, those it cannot', async () => {
    const models = [
      { ...exported[0], name: 'First v2' },
      { id: 'io/brand-new', base_model_id: BASE, name: 'New' },
      { id: 'io/strangers', base_model_id: BASE, name: 'Hijacked' },
    ];
    const res = await modelApi(t, owner).importModels(models);
    expect(res.body.results).toEqual([
      expect.objectContaining({ id: ids[0], status: 'updated' }),
      expect.objectContaining({ id: 'io/brand-new', status: 'created' }),
      { id: 'io/strangers', status: 'skipped', reason: expect.any(String) },
    ]);
    expect((await readModel(t, owner, ids[0])).name).toBe('First v2');
    expect(await readModel(t, owner, 'io/brand-new')).toMatchObject({ user_id: owner.id, name: 'New' });
    expect((await readModel(t, stranger, 'io/strangers')).name).toBe('Theirs');
  });
});

describe('import follows the rules of create', () => {
  it('skips, with a reason, models on an unreadable base; leaves a public grant and unknown principals out', async () => {
    await createBaseModel(t, admin, { id: 'vendor/import-private', access_grants: [] });
    const models = [
      { id: 'imp/private-base', base_model_id: 'vendor/import-private', name: 'A' },
      {
        id: 'imp/public',
        base_model_id: BASE,
        name: 'B',
        access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
      },
      {
        id: 'imp/ghost',
        base_model_id: BASE,
        name: 'C',
        access_grants: [userGrant('00000000-0000-4000-8000-000000000000')],
      },
      { id: 'imp/base', name: 'D', owned_by: 'me' },
      { id: 'imp/fine', base_model_id: BASE, name: 'E' },
    ];
    const res = await modelApi(t, owner).importModels(models);
    const skipped = (mid: string) => ({ id: mid, status: 'skipped', reason: expect.any(String) });
    // A public grant a non-admin may not give, and a grant to someone unknown here, are left out
    // with a warning (docs/api.md "Import"): the model is still imported.
    expect(res.body.results).toEqual([
      skipped('imp/private-base'),
      { id: 'imp/public', status: 'created', warnings: [expect.stringMatching(/public grant/)] },
      { id: 'imp/ghost', status: 'created', warnings: [expect.stringMatching(/no user with id "0{8}-/)] },
      skipped('imp/base'),
      expect.objectContaining({ id: 'imp/fine', status: 'created' }),
    ]);
    expect((await readModel(t, admin, 'imp/public')).access_grants).toEqual([]);
    expect((await readModel(t, admin, 'imp/ghost')).access_grants).toEqual([]);
    for (const id of ['imp/private-base', 'imp/base']) expectApiError(await modelApi(t, admin).get(id), 404);
  });
});

describe('import grants go through the access triggers', () => {
  // The import writes grants by its own statements; models.readers/writers/is_public (what the
  // list filters on) are kept by the triggers on access_grants, never by the import itself.
  const listedIds = async (actor: Actor, query: string) =>
    ((await modelApi(t, actor).list({ query })).body.items as Json[]).map((item) => item.id);

  it('a user or group member granted by import lists and reads the model; a stranger does not', async () => {
    const member = await createUser(t, admin, { name: 'Import Member' });
    const groupId = await createGroup(t, admin, 'import readers', [member.id]);
    const res = await modelApi(t, owner).importModels([
      { id: 'impgrant/user', base_model_id: BASE, name: 'U', access_grants: [userGrant(other.id, 'write')] },
      { id: 'impgrant/group', base_model_id: BASE, name: 'G', access_grants: [groupGrant(groupId)] },
    ]);
    expect(res.body.results.map((r: Json) => r.status)).toEqual(['created', 'created']);
    expect(await listedIds(other, 'impgrant/')).toEqual(['impgrant/user']);
    expect(await listedIds(member, 'impgrant/')).toEqual(['impgrant/group']);
    expect(await listedIds(stranger, 'impgrant/')).toEqual([]);
    expect((await modelApi(t, other).update({ id: 'impgrant/user', name: 'U2' })).status).toBe(200);
    expectApiError(await modelApi(t, stranger).get('impgrant/user'), 404);

    // A re-import with other grants replaces them: the old grantee loses the model, the new one gets it.
    const again = await modelApi(t, owner).importModels([
      { id: 'impgrant/user', name: 'U3', access_grants: [userGrant(stranger.id)] },
    ]);
    expect(again.body.results).toEqual([expect.objectContaining({ id: 'impgrant/user', status: 'updated' })]);
    expect(await listedIds(other, 'impgrant/')).toEqual([]);
    expect(await listedIds(stranger, 'impgrant/')).toEqual(['impgrant/user']);
    expect((await modelApi(t, stranger).update({ id: 'impgrant/user', name: 'no' })).status).toBe(403);
  });

  it("an admin's imported public grant makes the model listed for everyone", async () => {
    const res = await modelApi(t, admin).importModels([
      { id: 'impgrant/public', base_model_id: BASE, name: 'P', access_grants: [userGrant('*')] },
    ]);
    expect(res.body.results).toEqual([expect.objectContaining({ status: 'created' })]);
    expect(await listedIds(stranger, 'impgrant/public')).toEqual(['impgrant/public']);
    expect((await modelApi(t, stranger).list({ query: 'impgrant/public' })).body.total).toBe(1);
  });
});

describe('profile images', () => {
  const id = 'img/with:avatar.png';
  const dataUri = `data:image/png;base64,${TINY_PNG_BASE64}`;
  const fetchImage = (actor: Actor) =>
    modelApi(t, actor)
      .image(id)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    await createCustomModel(t, owner, {
      id,
      base_model_id: BASE,
      meta: { profile_image_url: dataUri },
      access_grants: [userGrant(other.id, 'read')],
    });
    await createCustomModel(t, owner, {
      id: 'img/remote',
      base_model_id: BASE,
      meta: { profile_image_url: 'https://cdn.example.test/a.png' },
    });
  });

  it('lists a data: image as the URL of the image route, and a remote URL as it is', async () => {
    const items = (await modelApi(t, owner).list({ query: 'img/' })).body.items as Json[];
    const url = new URL(items.find((i) => i.id === id).meta.profile_image_url, 'http://host.invalid');
    expect([url.pathname, url.searchParams.get('id')]).toEqual(['/api/models/model/profile/image', id]);
    expect(items.find((i) => i.id === 'img/remote').meta.profile_image_url).toBe('https://cdn.example.test/a.png');
  });

  it('serves the image bytes with their content type to readers and 404 to others', async () => {
    for (const reader of [owner, other]) {
      const res = await fetchImage(reader);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/png/);
      expect((res.body as Buffer).equals(Buffer.from(TINY_PNG_BASE64, 'base64'))).toBe(true);
    }
    expect((await fetchImage(stranger)).status).toBe(404);
    expect((await modelApi(t, null).image(id)).status).toBe(401);
  });
});
