import request from 'supertest';
import { bearer, createUser, signUp } from './support/actors';
import { startTestApp, TestApp } from './support/test-app';

const PUBLIC = [{ principal_type: 'user', principal_id: '*', permission: 'read' }];

describe('gateway lists and disabled base models', () => {
  let t: TestApp;
  let adminToken: string;
  let userToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signUp(t);
    adminToken = admin.token;
    userToken = (await createUser(t, admin)).token;
    const create = (token: string, body: object) =>
      request(t.server).post('/api/models/create').set(bearer(token)).send(body).expect(201);
    await create(adminToken, { id: 'base/a', name: 'A', owned_by: 'acme', access_grants: PUBLIC });
    await create(userToken, { id: 'mine/on-a', name: 'On A', base_model_id: 'base/a' });
  });
  afterAll(() => t.close());

  const listedIds = async () =>
    ((await request(t.server).get('/v1/models').set(bearer(userToken)).expect(200)).body.data as { id: string }[]).map(
      (m) => m.id,
    );

  it('lists a custom model while its base model is active', async () => {
    expect(await listedIds()).toEqual(['base/a', 'mine/on-a']);
  });

  it('leaves out custom models whose base model is disabled, and brings them back when it is enabled', async () => {
    await request(t.server).post('/api/models/model/toggle?id=base/a').set(bearer(adminToken)).expect(200);
    expect(await listedIds()).toEqual([]);
    await request(t.server).get('/v1/models/mine/on-a').set(bearer(userToken)).expect(404);
    // The workspace list still shows it: the owner can edit it while the base model is off.
    const list = await request(t.server).get('/api/models/list').set(bearer(userToken)).expect(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual(['mine/on-a']);
    await request(t.server).post('/api/models/model/toggle?id=base/a').set(bearer(adminToken)).expect(200);
    expect(await listedIds()).toEqual(['base/a', 'mine/on-a']);
  });
});
