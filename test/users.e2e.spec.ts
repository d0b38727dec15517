import request from 'supertest';
import { bearer, createGroup, createUser, DEFAULT_PASSWORD, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('users (admin only)', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Ada Admin', 'ada@example.test');
  });
  afterAll(() => t.close());

  const api = () => ({
    get: (path: string) => request(t.server).get(path).set(bearer(admin.token)),
    post: (path: string, body: object) => request(t.server).post(path).set(bearer(admin.token)).send(body),
    patch: (path: string, body: object) => request(t.server).patch(path).set(bearer(admin.token)).send(body),
    delete: (path: string) => request(t.server).delete(path).set(bearer(admin.token)),
  });

  describe('create and read', () => {
    it('creates an account with 201 and answers it without a password hash', async () => {
      const res = await api()
        .post('/api/users', {
          name: 'Grace',
          email: 'Grace@Example.test',
          password: DEFAULT_PASSWORD,
          role: 'user',
          username: 'grace',
        })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'Grace',
        email: 'grace@example.test',
        username: 'grace',
        role: 'user',
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
      expect((await api().get(`/api/users/${res.body.id}`).expect(200)).body).toEqual(res.body);
    });

    it('gives an account created without a role DEFAULT_USER_ROLE', async () => {
      const res = await api()
        .post('/api/users', { name: 'No Role', email: 'norole@example.test', password: DEFAULT_PASSWORD })
        .expect(201);
      expect(res.body.role).toBe(t.config.defaultUserRole);
    });

    it('refuses a taken email (any case) and a taken username (any case) with 409', async () => {
      await api()
        .post('/api/users', { name: 'X', email: 'ADA@example.test', password: DEFAULT_PASSWORD })
        .expect(409)
        .expect(({ body }) => expect(body.detail).toBe('email already in use'));
      await api()
        .post('/api/users', { name: 'X', email: 'x@example.test', password: DEFAULT_PASSWORD, username: 'GRACE' })
        .expect(409)
        .expect(({ body }) => expect(body.detail).toBe('username already in use'));
    });

    it('answers an unknown id with 404 and a malformed id with 400, never 500', async () => {
      await api().get(`/api/users/${MISSING_ID}`).expect(404);
      const res = await api().get('/api/users/not-a-uuid').expect(400);
      expect(res.body.detail).toBe('id must be a UUID');
      await api().patch('/api/users/1', { name: 'x' }).expect(400);
      await api().delete("/api/users/1'--").expect(400);
    });
  });

  describe('list', () => {
    beforeAll(async () => {
      for (let i = 0; i < 32; i += 1) {
        await api()
          .post('/api/users', { name: `Bulk ${i}`, email: `bulk${i}@list.test`, password: DEFAULT_PASSWORD })
          .expect(201);
      }
      await api().post('/api/users', { name: '100% real_name', email: 'odd@list.test', password: DEFAULT_PASSWORD });
      await api().post('/api/users', {
        name: 'Handle',
        email: 'h@list.test',
        password: DEFAULT_PASSWORD,
        username: 'Zed_9',
      });
    });

    it('answers {items, total} with 30 a page and total over all pages', async () => {
      const first = await api().get('/api/users').expect(200);
      expect(first.body.items).toHaveLength(30);
      const total = first.body.total as number;
      const last = await api()
        .get(`/api/users?page=${Math.ceil(total / 30)}`)
        .expect(200);
      expect(last.body.items).toHaveLength(total % 30 || 30);
      const ids = new Set([...first.body.items, ...last.body.items].map((u: { id: string }) => u.id));
      expect(ids.size).toBe(first.body.items.length + last.body.items.length);
      expect(JSON.stringify(first.body)).not.toMatch(/password|\$2[aby]\$/);
    });

    it('takes page below 1 as 1 and refuses a non-integer page with 400 naming it', async () => {
      const first = await api().get('/api/users?page=1').expect(200);
      expect((await api().get('/api/users?page=0').expect(200)).body).toEqual(first.body);
      expect((await api().get('/api/users?page=-3').expect(200)).body).toEqual(first.body);
      for (const page of ['abc', '1.5']) {
        expect((await api().get(`/api/users?page=${page}`).expect(400)).body.detail).toMatch(/page/);
      }
      // The type is checked before the bound: "abc" is not an integer rather than "too large".
      expect((await api().get('/api/users?page=abc').expect(400)).body.detail).toBe('page must be an integer number');
      expect((await api().get('/api/users?query=a&query=b').expect(400)).body.detail).toBe('query must be a string');
    });

    it('filters by a case-insensitive substring of name, email or username', async () => {
      const byName = await api().get('/api/users?query=BULK 1').expect(200);
      expect(byName.body.total).toBe(11); // Bulk 1, Bulk 10..19
      const byEmail = await api().get('/api/users?query=BULK31@LIST').expect(200);
      expect(byEmail.body.items.map((u: { email: string }) => u.email)).toEqual(['bulk31@list.test']);
      const byUsername = await api().get('/api/users?query=zed_').expect(200);
      expect(byUsername.body.items.map((u: { username: string }) => u.username)).toEqual(['Zed_9']);
    });

    it('treats % and _ in the query as literal characters', async () => {
      const percent = await api()
        .get(`/api/users?query=${encodeURIComponent('100%')}`)
        .expect(200);
      expect(percent.body.items.map((u: { name: string }) => u.name)).toEqual(['100% real_name']);
      expect((await api().get('/api/users?query=%25').expect(200)).body.total).toBe(1);
      expect((await api().get('/api/users?query=l_name').expect(200)).body.total).toBe(1);
      expect((await api().get('/api/users?query=bulk_').expect(200)).body.total).toBe(0);
    });
  });

  describe('update', () => {
    it('changes name, username, email and role, and the search follows', async () => {
      const member = await createUser(t, admin, { name: 'Before Name' });
      const res = await api()
        .patch(`/api/users/${member.id}`, { name: 'After Name', username: 'after', email: 'After@Example.test' })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'After Name', username: 'after', email: 'after@example.test' });
      expect(res.body.updated_at).toBeGreaterThanOrEqual(res.body.created_at);
      const found = await api().get('/api/users?query=after name').expect(200);
      expect(found.body.items.map((u: { id: string }) => u.id)).toEqual([member.id]);
      expect((await api().get('/api/users?query=before name').expect(200)).body.total).toBe(0);
      await api()
        .patch(`/api/users/${member.id}`, { username: null })
        .expect(200, /"username":null/);
    });

    it('refuses a taken email or username with 409', async () => {
      const one = await createUser(t, admin, { username: 'taken-handle' });
      const two = await createUser(t, admin);
      await api().patch(`/api/users/${two.id}`, { email: one.email.toUpperCase() }).expect(409);
      await api().patch(`/api/users/${two.id}`, { username: 'Taken-Handle' }).expect(409);
    });

    it.each([
      ['name', { name: null }],
      ['name', { name: '' }],
      ['role', { role: 'root' }],
      ['email', { email: 'nope' }],
      ['id', { id: MISSING_ID }],
    ])('refuses a bad %s with 400', async (field, body) => {
      const member = await createUser(t, admin);
      const res = await api().patch(`/api/users/${member.id}`, body).expect(400);
      expect(res.body.detail).toContain(field);
    });

    it('answers 404 for an unknown user', async () => {
      await api().patch(`/api/users/${MISSING_ID}`, { name: 'Ghost' }).expect(404);
    });
  });

  describe('the last admin', () => {
    it('cannot demote or delete itself while it is the only admin (409)', async () => {
      const res = await api().patch(`/api/users/${admin.id}`, { role: 'user' }).expect(409);
      expect(res.body.detail).toMatch(/last admin/);
      await api().delete(`/api/users/${admin.id}`).expect(409);
      await api().get('/api/users').expect(200);
    });

    it('can step down once another admin exists', async () => {
      const second = await createUser(t, admin, { role: 'admin' });
      await request(t.server)
        .patch(`/api/users/${second.id}`)
        .set(bearer(second.token))
        .send({ role: 'user' })
        .expect(200);
      await request(t.server).get('/api/users').set(bearer(second.token)).expect(403);
    });
  });

  describe('delete', () => {
    it('deletes the account, keeps its models without owner, and drops its grants and memberships', async () => {
      const doomed = await createUser(t, admin);
      const group = await createGroup(t, admin, 'doomed-group', [doomed.id]);
      const now = Math.floor(Date.now() / 1000);
      await t.dataSource.query(
        `INSERT INTO models (id, user_id, base_model_id, name, name_sort, created_at, updated_at)
         VALUES ('doomed/model', $1, 'base', 'Doomed', 'doomed', $2, $2), ('other/model', $3, 'base', 'O', 'o', $2, $2)`,
        [doomed.id, now, admin.id],
      );
      await t.dataSource.query(
        `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
         VALUES ('other/model', 'user', $1, 'read'), ('other/model', 'group', $2, 'read')`,
        [doomed.id, group],
      );

      const res = await api().delete(`/api/users/${doomed.id}`).expect(200);
      expect(res.body).toEqual({ id: doomed.id, deleted: true });

      await api().get(`/api/users/${doomed.id}`).expect(404);
      await api().delete(`/api/users/${doomed.id}`).expect(404);
      const models = await t.dataSource.query(`SELECT user_id FROM models WHERE id = 'doomed/model'`);
      expect(models).toEqual([{ user_id: null }]);
      const grants = await t.dataSource.query(
        `SELECT principal_type FROM access_grants WHERE model_id = 'other/model'`,
      );
      expect(grants).toEqual([{ principal_type: 'group' }]);
      const groupRes = await api().get(`/api/groups/${group}`).expect(200);
      expect(groupRes.body.user_ids).toEqual([]);
    });
  });
});
