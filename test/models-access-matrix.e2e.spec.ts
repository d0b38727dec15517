import request, { type Response } from 'supertest';
import { bearer } from './support/actors';
import { CALLERS, canRead, DENIED, type Caller } from './support/matrix-callers';
import {
  buildWorld,
  canon,
  expectApiError,
  Json,
  listAll,
  makeTarget,
  MATRIX_BASE_ID,
  MODEL_FIELDS,
  modelApi,
  ModelApi,
  normaliseGrants,
  privateGrants,
  readerView,
  readModel,
  sortGrants,
  tagOf,
  userGrant,
  World,
} from './support/model-fixtures';
import { startTestApp } from './support/test-app';

let worlds: Record<Caller['world'], World>;
const shared: Record<string, Json> = {};
const sharedId = (c: Caller) => `matrix/shared-${c.world}-${c.target}:v1.0`;

beforeAll(async () => {
  const [bypass, noBypass] = [await startTestApp(), await startTestApp({ bypassAdminAccessControl: false })];
  worlds = { bypass: await buildWorld(bypass), noBypass: await buildWorld(noBypass) };
  for (const c of CALLERS) {
    shared[sharedId(c)] ??= await makeTarget(worlds[c.world], sharedId(c), c.target);
  }
});
afterAll(async () => {
  await worlds?.bypass.t.close();
  await worlds?.noBypass.t.close();
});

function cases(describeOutcome: (c: Caller) => string): Array<[string, Caller]> {
  return CALLERS.map((c) => [`${c.name} ${DENIED[c.access] ? `gets ${DENIED[c.access]}` : describeOutcome(c)}`, c]);
}

function setup(c: Caller) {
  const w = worlds[c.world];
  return { w, api: modelApi(w.t, c.actor(w)), target: shared[sharedId(c)], actor: c.actor(w) };
}

describe('read routes', () => {
  it.each(cases((c) => (canRead(c) ? 'sees the model in the list' : 'never sees the model in the list')))(
    'list: %s',
    async (_title, c) => {
      const { w, api, target, actor } = setup(c);
      if (DENIED[c.access]) return expectApiError(await api.list(), DENIED[c.access]!);
      const item = (await listAll(w.t, actor!)).items.find((i) => i.id === target.id);
      if (c.access === 'write') expect(canon(item)).toEqual(canon(target));
      else if (c.access === 'read') expect(item).toEqual(readerView(target));
      else expect(item).toBeUndefined();
    },
  );

  it.each(cases((c) => (canRead(c) ? "sees the model's tag" : "never sees the model's tag")))(
    'tags: %s',
    async (_title, c) => {
      const { api, target } = setup(c);
      const res = await api.tags();
      if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
      expect(res.status).toBe(200);
      expect(res.body.includes(tagOf(target.id))).toBe(canRead(c));
    },
  );

  // Base models are for everyone who can build on them (Open WebUI's model editor lists them):
  // /api/models/base in Open WebUI's {data} shape, /api/v1/models/base as a bare array.
  it.each(cases(() => 'lists the base models it can build on'))('base: %s', async (_title, c) => {
    const { w, api, actor } = setup(c);
    const res = await api.base();
    if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
    expect(res.status).toBe(200);
    expect(res.body.data.find((m: Json) => m.id === MATRIX_BASE_ID)).toMatchObject({
      owned_by: 'test-provider',
      info: { base_model_id: null },
    });
    expect(res.body.data.every((m: Json) => m.info.base_model_id === null)).toBe(true);
    const v1 = await modelApi(w.t, actor, '/api/v1').base().expect(200);
    expect(v1.body.map((m: Json) => m.id)).toEqual(res.body.data.map((m: Json) => m.id));
    expect(v1.body.every((m: Json) => m.base_model_id === null)).toBe(true);
  });

  it.each(cases(() => 'creates a custom model on a readable base model'))('create: %s', async (_title, c) => {
    const { w, api, actor } = setup(c);
    const id = `matrix/created-by:${c.name.replace(/\W+/g, '-')}`;
    const res = await api.create({ id, base_model_id: w.baseId, name: 'Mine', params: { system: 'x' } });
    if (DENIED[c.access]) {
      expectApiError(res, DENIED[c.access]!);
      return expectApiError(await modelApi(w.t, w.admin).get(id), 404);
    }
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(MODEL_FIELDS);
    expect(res.body).toMatchObject({ id, user_id: actor!.id, base_model_id: w.baseId, write_access: true });
    expect(res.body.user).toMatchObject({ id: actor!.id, name: actor!.name });
  });

  it.each(
    cases((c) =>
      c.access === 'write'
        ? 'reads the model with params and grants'
        : c.access === 'read'
          ? 'reads it without params or grants'
          : 'gets 404',
    ),
  )('get: %s', async (_title, c) => {
    const { api, target } = setup(c);
    const res = await api.get(target.id);
    if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
    if (c.access === 'none') return expectApiError(res, 404);
    expect(res.status).toBe(200);
    expect(canon(res.body)).toEqual(c.access === 'write' ? canon(target) : readerView(target));
  });

  // Admins and the owner may ask about anyone, a writer about itself (403 for readers); 404 when it cannot read.
  it.each(
    cases((c) =>
      c.access === 'none' ? 'gets 404' : c.access === 'read' ? 'gets 403' : 'explains its own access as the rule does',
    ),
  )('access explain: %s', async (_title, c) => {
    const { w, target, actor } = setup(c);
    const res = await request(w.t.server)
      .get('/api/models/model/access/explain')
      .query({ id: target.id })
      .set(actor ? bearer(actor.token) : {});
    if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
    if (c.access !== 'write') return expectApiError(res, c.access === 'read' ? 403 : 404);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ can_read: true, can_write: true, because: expect.any(Array) });
    const [reason] = res.body.because;
    const rule = c.admin ? 'admin' : actor!.id === w.owner.id ? 'owner' : reason.group ? 'group_grant' : 'user_grant';
    expect(reason).toMatchObject({ rule, permission: 'write' });
  });

  it.each(cases((c) => (c.access === 'write' ? 'exports the model with its grants' : 'does not export the model')))(
    'export: %s',
    async (_title, c) => {
      const { api, target } = setup(c);
      const res = await api.exportAll();
      if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
      expect(res.status).toBe(200);
      const exported = (res.body as Json[]).find((m) => m.id === target.id);
      if (c.access !== 'write') return expect(exported).toBeUndefined();
      expect(exported).toMatchObject({ name: target.name, params: target.params });
      expect(sortGrants(exported.access_grants)).toEqual(sortGrants(target.access_grants));
    },
  );

  it.each(
    cases((c) =>
      c.access === 'write'
        ? "reads the model's history"
        : c.access === 'read'
          ? 'gets 403 for the history'
          : 'gets 404',
    ),
  )('history: %s', async (_title, c) => {
    const { api, target } = setup(c);
    const res = await api.history(target.id);
    if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
    if (c.access !== 'write') return expectApiError(res, c.access === 'read' ? 403 : 404);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ version: target.version, snapshot: { params: target.params } });
  });
});

type WriteRoute = 'update' | 'access/update' | 'toggle' | 'delete' | 'import overwrite' | 'restore';
const WRITE_ROUTES: WriteRoute[] = ['update', 'access/update', 'toggle', 'delete', 'import overwrite', 'restore'];

const IMPORTED = (w: World, id: string) => ({ id, base_model_id: w.baseId, name: 'Imported', params: {}, meta: {} });

function perform(route: WriteRoute, api: ModelApi, w: World, id: string): Promise<Response> {
  switch (route) {
    case 'update':
      return api.update({ id, name: 'Renamed', params: { system: 'changed' } });
    case 'access/update':
      return api.setAccess(id, [...privateGrants(w), userGrant(w.stranger.id, 'read')]);
    case 'toggle':
      return api.toggle(id);
    case 'delete':
      return api.remove(id);
    case 'import overwrite':
      return api.importModels([IMPORTED(w, id)]);
    case 'restore':
      return api.restore(id, 1);
  }
}

async function expectApplied(route: WriteRoute, res: Response, w: World, before: Json): Promise<void> {
  const id = before.id as string;
  const owner = modelApi(w.t, w.owner);
  if (route === 'import overwrite') {
    expect([200, 201]).toContain(res.status);
    expect(res.body.results).toEqual([expect.objectContaining({ id, status: 'updated' })]);
    expect(await readModel(w.t, w.owner, id)).toMatchObject({ name: 'Imported', user_id: w.owner.id });
    return;
  }
  expect(res.status).toBe(200);
  if (route === 'delete') {
    expect(res.body).toEqual({ id, deleted: true });
    return expectApiError(await owner.get(id), 404);
  }
  const after = await readModel(w.t, w.owner, id);
  expect(Object.keys(res.body).sort()).toEqual(MODEL_FIELDS);
  expect(res.body).toMatchObject({ id, write_access: true });
  expect(after.version).toBe(before.version + 1);
  if (route === 'restore') {
    expect({ ...after, updated_at: 0, version: 0 }).toEqual({ ...before, updated_at: 0, version: 0 });
  } else if (route === 'update') {
    expect(after).toMatchObject({ name: 'Renamed', params: { system: 'changed' }, meta: before.meta });
    expect([after.user_id, after.created_at, after.base_model_id]).toEqual([w.owner.id, before.created_at, w.baseId]);
    expect(sortGrants(after.access_grants)).toEqual(sortGrants(before.access_grants));
  } else if (route === 'toggle') {
    expect([res.body.is_active, after.is_active]).toEqual([false, false]);
  } else {
    const expected = normaliseGrants([...privateGrants(w), userGrant(w.stranger.id, 'read')]);
    expect(sortGrants(after.access_grants)).toEqual(expected);
    expect((await modelApi(w.t, w.stranger).get(id)).status).toBe(200);
  }
}

/**
 * An import over a model the caller cannot read answers exactly what create answers for a taken
 * id (409), so it tells nothing more of that model; one it can read may say it is read only.
 */
async function expectRefused(route: WriteRoute, res: Response, c: Caller, w: World, id: string): Promise<void> {
  if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
  if (route !== 'import overwrite') return expectApiError(res, c.access === 'read' ? 403 : 404);
  expect([200, 201]).toContain(res.status);
  if (c.access === 'read') {
    expect(res.body.results).toEqual([{ id, status: 'skipped', reason: expect.stringMatching(/cannot write/) }]);
    return;
  }
  const created = await modelApi(w.t, c.actor(w)).create(IMPORTED(w, id));
  expectApiError(created, 409);
  expect(res.body.results).toEqual([{ id, status: 'skipped', reason: created.body.message }]);
}

describe('write routes', () => {
  const writeCases = CALLERS.flatMap((c, index) =>
    WRITE_ROUTES.map((route): [string, Caller, WriteRoute, number] => {
      const outcome = DENIED[c.access]
        ? `gets ${DENIED[c.access]}`
        : c.access === 'write'
          ? 'applies the change'
          : `is refused (${route === 'import overwrite' ? 'skipped' : c.access === 'read' ? 403 : 404}) and changes nothing`;
      return [`${route}: ${c.name} ${outcome}`, c, route, index];
    }),
  );

  it.each(writeCases)('%s', async (_title, c, route, index) => {
    const w = worlds[c.world];
    const id = `matrix/${route.replace(/\W+/g, '-')}:${index}.v1`;
    const before = await makeTarget(w, id, c.target);
    const res = await perform(route, modelApi(w.t, c.actor(w)), w, id);
    if (c.access === 'write') return expectApplied(route, res, w, before);
    await expectRefused(route, res, c, w, id);
    expect(canon(await readModel(w.t, w.owner, id))).toEqual(canon(before));
  });
});
