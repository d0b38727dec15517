import request from 'supertest';
import { bearer, createGroup, createUser, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('groups', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    alice = await createUser(t, admin, { name: 'Alice' });
    bob = await createUser(t, admin, { name: 'Bob' });
  });
  afterAll(() => t.close());

  const as = (actor: Actor) => ({
    get: (path: string) => request(t.server).get(path).set(bearer(actor.token)),
    post: (path: string, body: object) => request(t.server).post(path).set(bearer(actor.token)).send(body),
    patch: (path: string, body: object) => request(t.server).patch(path).set(bearer(actor.token)).send(body),
    delete: (path: string) => request(t.server).delete(path).set(bearer(actor.token)),
  });

  it('creates a group with 201 and answers {id,name,description,user_ids,member_count,created_at,updated_at}', async () => {
    const res = await as(admin).post('/api/groups', { name: 'Research', description: 'R&D' }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Research',
      description: 'R&D',
      user_ids: [],
      member_count: 0,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    expect((await as(admin).get(`/api/groups/${res.body.id}`).expect(200)).body).toEqual(res.body);
  });

  it('accepts initial members on creation', async () => {
    const res = await as(admin)
      .post('/api/groups', { name: 'Starters', user_ids: [alice.id, bob.id] })
      .expect(201);
    expect(res.body.user_ids).toEqual([alice.id, bob.id].sort());
  });

  it('refuses a taken name with 409, on create and on rename', async () => {
    await createGroup(t, admin, 'Taken', []);
    const other = await createGroup(t, admin, 'Other', []);
    expect((await as(admin).post('/api/groups', { name: 'Taken' }).expect(409)).body.detail).toBe(
      'group name already in use',
    );
    await as(admin).patch(`/api/groups/${other}`, { name: 'Taken' }).expect(409);
  });

  it('compares names ignoring case, as for emails and usernames: 409 on create and on rename', async () => {
    const team = await createGroup(t, admin, 'Platform Team', []);
    const other = await createGroup(t, admin, 'Other team', []);
    const res = await as(admin).post('/api/groups', { name: 'PLATFORM team' }).expect(409);
    expect(res.body.detail).toBe('group name already in use');
    await as(admin).patch(`/api/groups/${other}`, { name: 'platform team' }).expect(409);
    // A group may change the case of its own name.
    await as(admin).patch(`/api/groups/${team}`, { name: 'Platform TEAM' }).expect(200);
  });

  it('renames and re-describes a group; fields left out keep their value', async () => {
    const id = await createGroup(t, admin, 'Old name', []);
    await as(admin).patch(`/api/groups/${id}`, { description: 'kept name' }).expect(200);
    const res = await as(admin).patch(`/api/groups/${id}`, { name: 'New name' }).expect(200);
    expect(res.body).toMatchObject({ name: 'New name', description: 'kept name' });
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: null }],
    ['description', { description: 42 }],
  ])('refuses a bad %s with 400', async (field, body) => {
    const id = await createGroup(t, admin, `bad-${field}-${JSON.stringify(body)}`, []);
    expect((await as(admin).patch(`/api/groups/${id}`, body).expect(400)).body.detail).toContain(field);
  });

  describe('members', () => {
    it('adds members, and adding an existing member is a no-op', async () => {
      const id = await createGroup(t, admin, 'Team', [alice.id]);
      const res = await as(admin)
        .post(`/api/groups/${id}/members`, { user_ids: [alice.id, bob.id] })
        .expect(200);
      expect(res.body.user_ids).toEqual([alice.id, bob.id].sort());
      const again = await as(admin)
        .post(`/api/groups/${id}/members`, { user_ids: [bob.id] })
        .expect(200);
      expect(again.body.user_ids).toEqual([alice.id, bob.id].sort());
    });

    it('refuses an unknown user id with 400 naming it, adding nobody', async () => {
      const id = await createGroup(t, admin, 'Strict', []);
      const res = await as(admin)
        .post(`/api/groups/${id}/members`, { user_ids: [alice.id, MISSING_ID] })
        .expect(400);
      expect(res.body.detail).toContain(MISSING_ID);
      expect((await as(admin).get(`/api/groups/${id}`)).body.user_ids).toEqual([]);
      await as(admin)
        .post(`/api/groups/${id}/members`, { user_ids: ['nope'] })
        .expect(400);
    });

    it('removes a member', async () => {
      const id = await createGroup(t, admin, 'Shrinking', [alice.id, bob.id]);
      const res = await as(admin).delete(`/api/groups/${id}/members/${alice.id}`).expect(200);
      expect(res.body.user_ids).toEqual([bob.id]);
    });

    it('answers 404 for members of an unknown group', async () => {
      await as(admin)
        .post(`/api/groups/${MISSING_ID}/members`, { user_ids: [alice.id] })
        .expect(404);
      await as(admin).delete(`/api/groups/${MISSING_ID}/members/${alice.id}`).expect(404);
    });
  });

  describe('who sees what', () => {
    it('shows a user only the groups it belongs to', async () => {
      const mine = await createGroup(t, admin, 'Alice only', [alice.id]);
      await createGroup(t, admin, 'Not Alice', [bob.id]);
      const res = await as(alice).get('/api/groups').expect(200);
      const ids = (res.body as Array<{ id: string }>).map((g) => g.id);
      expect(ids).toContain(mine);
      const all = await t.dataSource.query('SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id', [
        alice.id,
      ]);
      expect([...ids].sort()).toEqual(all.map((row: { group_id: string }) => row.group_id));
    });

    it('shows an admin every group', async () => {
      const res = await as(admin).get('/api/groups').expect(200);
      const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM groups');
      expect(res.body).toHaveLength(n);
    });

    it('refuses every other group route to a user with 403', async () => {
      const id = await createGroup(t, admin, 'Forbidden fruit', [alice.id]);
      await as(alice).get(`/api/groups/${id}`).expect(403);
      await as(alice).post('/api/groups', { name: 'mine' }).expect(403);
      await as(alice)
        .post(`/api/groups/${id}/members`, { user_ids: [bob.id] })
        .expect(403);
    });
  });

  it('deletes a group with its memberships and the grants made to it', async () => {
    const id = await createGroup(t, admin, 'Doomed', [alice.id]);
    const now = Math.floor(Date.now() / 1000);
    await t.dataSource.query(
      `INSERT INTO models (id, user_id, base_model_id, name, name_sort, created_at, updated_at)
       VALUES ('group/model', $1, 'base', 'G', 'g', $2, $2)`,
      [admin.id, now],
    );
    await t.dataSource.query(
      `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
       VALUES ('group/model', 'group', $1, 'write'), ('group/model', 'user', $2, 'read')`,
      [id, alice.id],
    );
    expect((await as(admin).delete(`/api/groups/${id}`).expect(200)).body).toEqual({ id, deleted: true });
    await as(admin).get(`/api/groups/${id}`).expect(404);
    await as(admin).delete(`/api/groups/${id}`).expect(404);
    const grants = await t.dataSource.query(`SELECT principal_type FROM access_grants WHERE model_id = 'group/model'`);
    expect(grants).toEqual([{ principal_type: 'user' }]);
    const members = await t.dataSource.query('SELECT 1 FROM group_members WHERE group_id = $1', [id]);
    expect(members).toEqual([]);
  });

  it('reports a field of the wrong type as such, before its length or characters', async () => {
    const cases: Array<[object, string]> = [
      [{ name: 123 }, 'name must be a string'],
      [{ name: 'ok', description: 123 }, 'description must be a string'],
      [{ name: 'ok', user_ids: 'x' }, 'user_ids must be an array'],
    ];
    for (const [body, message] of cases) {
      expect((await as(admin).post('/api/groups', body).expect(400)).body.detail).toBe(message);
    }
    const { body: group } = await as(admin).post('/api/groups', { name: 'Typed' }).expect(201);
    expect((await as(admin).patch(`/api/groups/${group.id}`, { name: 123 }).expect(400)).body.detail).toBe(
      'name must be a string',
    );
    expect((await as(admin).post(`/api/groups/${group.id}/members`, { user_ids: 'x' }).expect(400)).body.detail).toBe(
      'user_ids must be an array',
    );
  });

  it('answers a malformed group id with 400 and an unknown one with 404', async () => {
    await as(admin).get('/api/groups/xyz').expect(400);
    await as(admin).get(`/api/groups/${MISSING_ID}`).expect(404);
    await as(admin).patch(`/api/groups/${MISSING_ID}`, { name: 'ghost' }).expect(404);
  });
});
