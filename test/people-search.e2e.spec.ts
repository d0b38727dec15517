import request from 'supertest';
import { bearer, createUser, DEFAULT_PASSWORD, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const PAGE_SIZE = 30;

interface Person {
  id: string;
  name: string;
  username: string | null;
  email: string;
}
interface Row extends Person {
  created_at: string;
}

describe('finding people to share with (GET /api/users/search, /api/users/:id/info)', () => {
  let t: TestApp;
  let admin: Actor;
  let user: Actor;
  let pending: Actor;

  /** Creates an account without signing it in (70 sign-ins would only cost time). */
  const addUser = async (name: string, email: string, username?: string): Promise<string> => {
    const body = { name, email, password: DEFAULT_PASSWORD, role: 'user', username };
    const res = await request(t.server).post('/api/users').set(bearer(admin.token)).send(body).expect(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Ada Admin', 'ada@example.test');
    user = await createUser(t, admin, { name: 'Uma User', email: 'uma@example.test' });
    pending = await signUp(t, 'Pat Pending', 'pat@example.test');
    await addUser('Zoë Quartz', 'quartz.mail@example.test', 'qz_handle');
    await addUser('100% Pure', 'pure@example.test');
    await addUser('Back\\slash Bob', 'bob@example.test', 'bob');
    await addUser('Underscore Ulla', 'ulla@example.test', 'u_lla');
    // Lower-case: sorts before "Zoë" only when names are compared ignoring case.
    await addUser('abe lowercase', 'abe@example.test');
    // 70 accounts sharing a word, with repeated names so ties must be broken by id.
    for (let i = 0; i < 70; i += 1) {
      const n = String(i).padStart(2, '0');
      await addUser(`Pager ${i % 35}`, `pager-${n}-${(i * 37) % 70}@example.test`);
    }
  });
  afterAll(() => t.close());

  const search = (query: Record<string, string | number>, actor: Actor = user) =>
    request(t.server).get('/api/users/search').query(query).set(bearer(actor.token));

  /** Every account, straight from the table: the oracle the answers are compared with. */
  const everyone = async (): Promise<Row[]> =>
    t.dataSource.query('SELECT id::text, name, username, email, created_at::text FROM users');

  const matches = (row: Person, query: string) =>
    [row.name, row.username ?? '', row.email].some((field) => field.toLowerCase().includes(query.toLowerCase()));

  /** Walks every page of a search; asserts page sizes and that `total` never changes. */
  const walk = async (query: Record<string, string>): Promise<Person[]> => {
    const found: Person[] = [];
    const first = await search({ ...query, page: 1 }).expect(200);
    const total = first.body.total as number;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    for (let page = 1; page <= pages; page += 1) {
      const res = page === 1 ? first : await search({ ...query, page }).expect(200);
      expect(res.body.total).toBe(total);
      expect(res.body.users).toHaveLength(Math.min(PAGE_SIZE, total - (page - 1) * PAGE_SIZE));
      found.push(...(res.body.users as Person[]));
    }
    return found;
  };

  describe('matching', () => {
    it.each([
      ['a name substring', 'quar'],
      ['a name substring in another case', 'QUARTZ'],
      ['a username substring in another case', 'Z_HAN'],
      ['an email substring in another case', 'MAIL@EXAM'],
      ['a literal %', '%'],
      ['a literal _', '_'],
      ['a literal backslash', '\\'],
      ['% inside text', '0% p'],
      ['a word shared by many', 'pager'],
      ['a non-ASCII letter in another case', 'ZOË'],
    ])('finds exactly the accounts whose name, username or email contains %s', async (_what, query) => {
      const expected = (await everyone()).filter((row) => matches(row, query)).map((row) => row.id);
      expect(expected.length).toBeGreaterThan(0);
      const found = await walk({ query });
      expect(found.map((person) => person.id).sort()).toEqual(expected.sort());
    });

    it('treats % and _ as text: "_" does not match every account, "%" only the one that has it', async () => {
      const percent = await search({ query: '%' }).expect(200);
      expect(percent.body.users.map((p: Person) => p.name)).toEqual(['100% Pure']);
      const underscore = await search({ query: '_' }).expect(200);
      expect(underscore.body.users.map((p: Person) => p.username).sort()).toEqual(['qz_handle', 'u_lla']);
    });

    it('answers every account, 30 a page, without a query', async () => {
      const found = await walk({});
      expect(found.map((p) => p.id).sort()).toEqual((await everyone()).map((row) => row.id).sort());
    });

    it('shows id, name, username and email only: no role, no dates', async () => {
      const res = await search({ query: 'quartz' }).expect(200);
      expect(res.body).toEqual({
        users: [
          { id: expect.any(String), name: 'Zoë Quartz', username: 'qz_handle', email: 'quartz.mail@example.test' },
        ],
        total: 1,
      });
    });
  });

  describe('paging and order', () => {
    it('splits 70 matches into pages of 30, 30 and 10 with exact totals and no overlap', async () => {
      const pages = await Promise.all([1, 2, 3, 4].map((page) => search({ query: 'pager', page }).expect(200)));
      expect(pages.map((res) => res.body.users.length)).toEqual([30, 30, 10, 0]);
      expect(pages.map((res) => res.body.total)).toEqual([70, 70, 70, 70]);
      const ids = pages.flatMap((res) => res.body.users.map((p: Person) => p.id));
      expect(new Set(ids).size).toBe(70);
    });

    it('takes a page below 1 as the first page', async () => {
      const first = await search({ query: 'pager', page: 1 }).expect(200);
      expect((await search({ query: 'pager', page: 0 }).expect(200)).body).toEqual(first.body);
      expect((await search({ query: 'pager', page: -3 }).expect(200)).body).toEqual(first.body);
    });

    const byKey: Record<string, (row: Row) => string | number> = {
      name: (row) => row.name.toLowerCase(),
      email: (row) => row.email,
      created_at: (row) => Number(row.created_at),
    };
    const compare = (key: string) => (a: Row, b: Row) => {
      const [x, y] = [byKey[key](a), byKey[key](b)];
      if (x !== y) return x < y ? -1 : 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    };

    it.each(['name', 'email', 'created_at'].flatMap((key) => [[key, 'asc'] as const, [key, 'desc'] as const]))(
      'orders by %s %s across pages, ties broken by id',
      async (key, direction) => {
        const rows = (await everyone()).filter((row) => matches(row, 'pager')).sort(compare(key));
        if (direction === 'desc') rows.reverse();
        const found = await walk({ query: 'pager', order_by: key, direction });
        expect(found.map((p) => p.id)).toEqual(rows.map((row) => row.id));
      },
    );

    it('orders by name ascending by default', async () => {
      const rows = (await everyone()).sort(compare('name'));
      expect((await walk({})).map((p) => p.id)).toEqual(rows.map((row) => row.id));
    });
  });

  describe('bad input and access', () => {
    it.each([
      [{ order_by: 'role' }, 'order_by'],
      [{ order_by: 'NAME' }, 'order_by'],
      [{ direction: 'up' }, 'direction'],
      [{ page: 'two' }, 'page'],
      [{ page: '1.5' }, 'page'],
      [{ query: 'x'.repeat(501) }, 'query'],
      [{ role: 'admin' }, 'role'],
    ])('refuses %j with 400 naming %s', async (query, name) => {
      const res = await search(query).expect(400);
      expect(res.body.detail).toContain(name);
    });

    it('is open to users (not only admins), also under /api/v1 and with a trailing slash', async () => {
      await request(t.server).get('/api/v1/users/search?query=quartz').set(bearer(user.token)).expect(200);
      const res = await request(t.server).get('/api/v1/users/search/?query=quartz').set(bearer(user.token));
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(1);
    });

    it('refuses a pending account with 403 and an anonymous caller with 401', async () => {
      await search({ query: 'a' }, pending).expect(403);
      await request(t.server).get('/api/users/search').expect(401);
    });
  });

  describe('GET /api/users/:id/info', () => {
    it('answers id, name, username and email of any account to a user', async () => {
      const res = await request(t.server).get(`/api/users/${admin.id}/info`).set(bearer(user.token)).expect(200);
      expect(res.body).toEqual({ id: admin.id, name: 'Ada Admin', username: null, email: 'ada@example.test' });
      const v1 = await request(t.server).get(`/api/v1/users/${admin.id}/info`).set(bearer(user.token)).expect(200);
      expect(v1.body).toEqual(res.body);
    });

    it('answers 404 for an unknown id and 400 naming id for a non-UUID', async () => {
      await request(t.server).get(`/api/users/${MISSING_ID}/info`).set(bearer(user.token)).expect(404);
      const res = await request(t.server).get('/api/users/search-me/info').set(bearer(user.token)).expect(400);
      expect(res.body.detail).toBe('id must be a UUID');
    });

    it('refuses a pending account with 403', async () => {
      await request(t.server).get(`/api/users/${admin.id}/info`).set(bearer(pending.token)).expect(403);
    });

    it('leaves the rest of /api/users to admins', async () => {
      await request(t.server).get(`/api/users/${admin.id}`).set(bearer(user.token)).expect(403);
      await request(t.server).get('/api/users').set(bearer(user.token)).expect(403);
    });
  });

  it('documents the new routes, their parameters and answers in the OpenAPI document', async () => {
    const doc = (await request(t.server).get('/docs-json').expect(200)).body;
    const params = (path: string) => (doc.paths[path].get.parameters as Array<{ name: string }>).map((p) => p.name);
    expect(params('/api/users/search').sort()).toEqual(['direction', 'order_by', 'page', 'query']);
    expect(params('/api/groups')).toEqual(['share']);
    for (const path of ['/api/users/{id}/info', '/api/groups/{id}/info', '/api/groups/id/{id}/info']) {
      expect(params(path)).toEqual(['id']);
    }
    const fields = (schema: string) => Object.keys(doc.components.schemas[schema].properties as object).sort();
    expect(fields('UserSearchResponseDto')).toEqual(['total', 'users']);
    expect(fields('UserInfoResponseDto')).toEqual(['email', 'id', 'name', 'username']);
    expect(fields('GroupInfoResponseDto')).toEqual(['description', 'id', 'member_count', 'name']);
    expect(fields('GroupResponseDto')).toEqual(expect.arrayContaining(['member_count', 'user_ids']));
    expect(doc.components.schemas.GroupResponseDto.required).not.toContain('user_ids');
    expect(fields('CallerResponseDto')).toContain('permissions');
    expect(fields('WorkspacePermissionsDto')).toEqual(['models', 'models_export', 'models_import']);
  });
});
