import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Actor, bearer, createGroup, createUser, signUp } from './support/actors';
import {
  buildWorld,
  canon,
  createBaseModel,
  createCustomModel,
  expectApiError,
  groupGrant,
  makeTarget,
  MATRIX_BASE_ID,
  modelApi,
  privateGrants,
  publicGrant,
  readModel,
  normaliseGrants,
  sortGrants,
  userGrant,
  World,
} from './support/model-fixtures';
import { startTestApp, TestApp } from './support/test-app';

let worlds: { bypass: World; noBypass: World };
beforeAll(async () => {
  const [bypass, noBypass] = [await startTestApp(), await startTestApp({ bypassAdminAccessControl: false })];
  worlds = { bypass: await buildWorld(bypass), noBypass: await buildWorld(noBypass) };
});
afterAll(async () => {
  await worlds?.bypass.t.close();
  await worlds?.noBypass.t.close();
});

describe('grant and creation rules', () => {
  let w: World;
  beforeAll(() => (w = worlds.bypass));

  it('refuses a public grant asked for by a non-admin with 403 on changes, leaves it out on create', async () => {
    const owner = modelApi(w.t, w.owner);
    const id = 'rules/public-ask:1';
    // Create leaves the public grant out and says so (Open WebUI's clone sends the source's grants).
    const created = await owner.create({
      id: `${id}-c`,
      base_model_id: w.baseId,
      name: 'P',
      access_grants: [publicGrant()],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ access_grants: [], warnings: [expect.stringMatching(/public/)] });
    expectApiError(await modelApi(w.t, w.reader).get(`${id}-c`), 404);
    const before = await makeTarget(w, id, 'private');
    expectApiError(await owner.setAccess(id, [publicGrant('read')]), 403);
    expectApiError(await owner.update({ id, name: 'Changed', access_grants: [publicGrant('write')] }), 403);
    expectApiError(await modelApi(w.t, w.writer).setAccess(id, [publicGrant('read')]), 403);
    expect(canon(await readModel(w.t, w.owner, id))).toEqual(canon(before));
  });

  it.each([
    ['user', () => userGrant(randomUUID(), 'read')],
    ['group', () => groupGrant(randomUUID(), 'write')],
  ])('rejects a grant to a %s that does not exist with 400 and changes nothing', async (_kind, grant) => {
    const owner = modelApi(w.t, w.owner);
    const id = `rules/ghost-${_kind}:1`;
    const res = await owner.create({ id, base_model_id: w.baseId, name: 'G', access_grants: [grant()] });
    expectApiError(res, 400, /access_grants|principal/i);
    expectApiError(await modelApi(w.t, w.admin).get(id), 404);
    const before = await makeTarget(w, id, 'private');
    expectApiError(await owner.setAccess(id, [...privateGrants(w), grant()]), 400, /access_grants|principal/i);
    expect(canon(await readModel(w.t, w.owner, id))).toEqual(canon(before));
  });

  it('rejects a base_model_id the caller cannot read, or that does not exist, with 400', async () => {
    await createBaseModel(w.t, w.admin, { id: 'provider/private-base', access_grants: [] });
    for (const base of ['provider/private-base', 'provider/no-such-base']) {
      const id = `rules/on-${base}`;
      expectApiError(
        await modelApi(w.t, w.stranger).create({ id, base_model_id: base, name: 'X' }),
        400,
        /base_model_id/,
      );
      expectApiError(await modelApi(w.t, w.admin).get(id), 404);
    }
    const res = await modelApi(w.t, w.admin).create({
      id: 'rules/admin-on-private',
      base_model_id: 'provider/private-base',
      name: 'A',
    });
    expect(res.status).toBe(201);
  });

  it('rejects a base model the admin cannot read when the bypass is off', async () => {
    const nb = worlds.noBypass;
    const otherAdmin = await createUser(nb.t, nb.admin, { role: 'admin', name: 'Other Admin' });
    await createBaseModel(nb.t, otherAdmin, { id: 'provider/other-admin-base', access_grants: [] });
    const res = await modelApi(nb.t, nb.admin).create({
      id: 'nb/x',
      base_model_id: 'provider/other-admin-base',
      name: 'X',
    });
    expectApiError(res, 400, /base_model_id/);
  });

  it('lets an admin without the bypass read a model shared with it, as a reader only', async () => {
    const nb = worlds.noBypass;
    await createCustomModel(nb.t, nb.owner, {
      id: 'nb/shared-with-admin',
      base_model_id: nb.baseId,
      params: { system: 'secret' },
      access_grants: [userGrant(nb.admin.id, 'read')],
    });
    const seen = await readModel(nb.t, nb.admin, 'nb/shared-with-admin');
    expect(seen).toMatchObject({ params: {}, access_grants: [], write_access: false });
    expectApiError(await modelApi(nb.t, nb.admin).update({ id: 'nb/shared-with-admin', name: 'No' }), 403);
  });

  it('refuses base models to non-admins (403) and requires owned_by from admins (400)', async () => {
    expectApiError(await modelApi(w.t, w.owner).create({ id: 'rules/user-base', name: 'B', owned_by: 'me' }), 403);
    expectApiError(await modelApi(w.t, w.admin).create({ id: 'rules/no-owner', name: 'B' }), 400, /owned_by/);
    for (const id of ['rules/user-base', 'rules/no-owner']) expectApiError(await modelApi(w.t, w.admin).get(id), 404);
  });

  it('answers 409 for a taken id and leaves the existing model unchanged', async () => {
    const id = 'rules/taken:1.0';
    const before = await makeTarget(w, id, 'private');
    for (const actor of [w.owner, w.stranger, w.admin]) {
      const res = await modelApi(w.t, actor).create({ id, base_model_id: w.baseId, name: 'Dup', params: { x: 1 } });
      expectApiError(res, 409);
    }
    expectApiError(await modelApi(w.t, w.admin).create({ id: MATRIX_BASE_ID, name: 'Dup', owned_by: 'x' }), 409);
    expect(canon(await readModel(w.t, w.owner, id))).toEqual(canon(before));
    const otherCase = await modelApi(w.t, w.owner).create({
      id: 'RULES/TAKEN:1.0',
      base_model_id: w.baseId,
      name: 'Case',
    });
    expect(otherCase.status).toBe(201);
  });
});

describe('membership changes', () => {
  let w: World;
  beforeAll(() => (w = worlds.bypass));
  const admin = () => request(w.t.server);

  it('takes a group grant away at once when the member leaves the group', async () => {
    const member = await createUser(w.t, w.admin, { name: 'Leaver' });
    const groupId = await createGroup(w.t, w.admin, 'leavers', [member.id]);
    await createCustomModel(w.t, w.owner, {
      id: 'rules/leave:1',
      base_model_id: w.baseId,
      access_grants: [groupGrant(groupId, 'write')],
    });
    expect((await readModel(w.t, member, 'rules/leave:1')).write_access).toBe(true);
    const res = await admin().delete(`/api/groups/${groupId}/members/${member.id}`).set(bearer(w.admin.token));
    expect(res.status).toBeLessThan(300);
    expectApiError(await modelApi(w.t, member).get('rules/leave:1'), 404);
    expectApiError(await modelApi(w.t, member).update({ id: 'rules/leave:1', name: 'Late' }), 404);
  });

  it('drops the grants naming a deleted group, so the owner can save the grant set back', async () => {
    const groupId = await createGroup(w.t, w.admin, 'doomed', [w.stranger.id]);
    const id = 'rules/doomed-group:1';
    await createCustomModel(w.t, w.owner, {
      id,
      base_model_id: w.baseId,
      access_grants: [...privateGrants(w), groupGrant(groupId)],
    });
    expect((await admin().delete(`/api/groups/${groupId}`).set(bearer(w.admin.token))).status).toBeLessThan(300);
    const after = await readModel(w.t, w.owner, id);
    expect(sortGrants(after.access_grants)).toEqual(normaliseGrants(privateGrants(w)));
    expect((await modelApi(w.t, w.owner).setAccess(id, after.access_grants)).status).toBe(200);
    expectApiError(await modelApi(w.t, w.stranger).get(id), 404);
  });
});

describe('USER_CAN_CREATE_MODELS=false', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp({ userCanCreateModels: false });
    admin = await signUp(t, 'Admin');
    await createBaseModel(t, admin, { id: MATRIX_BASE_ID });
  });
  afterAll(() => t.close());

  it('refuses custom models to users with 403 and still lets admins create them', async () => {
    const user = await createUser(t, admin);
    const body = { id: 'limited/m', base_model_id: MATRIX_BASE_ID, name: 'M' };
    expectApiError(await modelApi(t, user).create(body), 403);
    expectApiError(await modelApi(t, admin).get('limited/m'), 404);
    expect((await modelApi(t, admin).create(body)).status).toBe(201);
  });
});
