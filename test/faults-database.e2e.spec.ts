import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { errorMessage, snapshotTables } from './support/hostile-http';
import { createBaseModel, createCustomModel, groupGrant, modelApi, userGrant } from './support/model-fixtures';
import { ScratchPostgres, startScratchPostgres } from './support/scratch-postgres';
import type { TestApp } from './support/test-app';

const UNAVAILABLE = {
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'Database is unavailable',
  detail: 'Database is unavailable',
};

let pg: ScratchPostgres;
let t: TestApp;
let admin: Actor;
let user: Actor;
let key: string;
let before: Record<string, unknown[]>;

/** Every model route of §3 and the gateway, as `actor` would call them. */
function modelRoutes(actor: Actor) {
  const api = modelApi(t, actor);
  return {
    list: () => api.list({ query: 'model' }),
    tags: () => api.tags(),
    base: () => modelApi(t, admin).base(),
    get: () => api.get('user/model'),
    create: () => api.create({ id: 'user/new', name: 'n', base_model_id: 'acme/base' }),
    update: () => api.update({ id: 'user/model', name: 'changed' }),
    access: () => api.setAccess('user/model', []),
    toggle: () => api.toggle('user/model'),
    delete: () => api.remove('user/model'),
    export: () => api.exportAll(),
    import: () => api.importModels([{ id: 'user/imported', name: 'n', base_model_id: 'acme/base' }]),
    image: () => api.image('user/model'),
  };
}

beforeAll(async () => {
  pg = await startScratchPostgres();
  t = await startAppOnDatabase(pg.url);
  admin = await signUp(t, 'Fault Admin');
  user = await createUser(t, admin, { name: 'Fault User' });
  const groupId = await createGroup(t, admin, 'fault group', [user.id]);
  await createBaseModel(t, admin, { id: 'acme/base' });
  await createCustomModel(t, user, {
    id: 'user/model',
    base_model_id: 'acme/base',
    params: { system: 'keep me' },
    meta: { tags: ['kept'] },
    access_grants: [groupGrant(groupId), userGrant(admin.id, 'write')],
  });
  key = (await createApiKey(t, user)).key;
  before = await snapshotTables(t.dataSource);
});
afterAll(async () => {
  await t?.close();
  await pg?.destroy();
});

describe('the database stopped while the service runs', () => {
  beforeAll(() => pg.stop());

  it('answers every model route with 503 and the error body, never a 500', async () => {
    const answers: Record<string, unknown> = {};
    for (const [name, call] of Object.entries(modelRoutes(user))) {
      const res = await call();
      answers[name] = { status: res.status, body: res.body as unknown };
    }
    const expected = Object.fromEntries(Object.keys(answers).map((name) => [name, { status: 503, body: UNAVAILABLE }]));
    expect(answers).toEqual(expected);
  });

  it('answers sign-in and the gateway with 503 in their own shapes', async () => {
    const signIn = await request(t.server)
      .post('/api/auths/signin')
      .send({ email: user.email, password: 'x'.repeat(8) });
    expect({ status: signIn.status, body: signIn.body as unknown }).toEqual({ status: 503, body: UNAVAILABLE });
    const openai = await request(t.server).get('/v1/models').set(bearer(key));
    expect(openai.status).toBe(503);
    expect(openai.body.error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
    const gemini = await request(t.server).get('/v1beta/models').set('x-goog-api-key', key);
    expect([gemini.status, gemini.body.error?.status]).toEqual([503, 'UNAVAILABLE']);
    for (const res of [openai, gemini]) expect(errorMessage('/v1/models', res.body)).toBe('Database is unavailable');
  });
});

describe('the database started again', () => {
  beforeAll(() => pg.start());

  it('serves every model route again without restarting the service', async () => {
    const { list, get, update, toggle } = modelRoutes(user);
    expect((await list()).body.total).toBe(1);
    expect((await get()).body.params).toEqual({ system: 'keep me' });
    expect((await request(t.server).get('/v1/models').set(bearer(key))).status).toBe(200);
    expect((await update()).status).toBe(200);
    expect((await toggle()).status).toBe(200);
  });

  it('kept every row written before the outage, and stored nothing while it lasted', async () => {
    const after = await snapshotTables(t.dataSource);
    const strip = (s: Record<string, unknown[]>) => ({ ...s, models: undefined });
    expect(strip(after)).toEqual(strip(before));
    const models = after.models as Array<Record<string, unknown>>;
    expect(models.map((m) => [m.id, m.name, m.is_active])).toEqual([
      ['acme/base', 'acme/base', true],
      ['user/model', 'changed', false],
    ]);
    expect(await t.dataSource.query(`SELECT id FROM models WHERE id IN ('user/new', 'user/imported')`)).toEqual([]);
  });
});
