import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, DEFAULT_PASSWORD, signUp, type Actor } from './support/actors';
import { nestRoutes } from './support/served-routes';
import { startTestApp, type TestApp } from './support/test-app';

type Caller = 'admin' | 'user' | 'pending' | 'anonymous';
type Method = 'get' | 'post' | 'patch' | 'delete';

interface Target {
  path: string;
  body?: object;
}

interface Route {
  method: Method;
  /** The route as declared; `make` gives the concrete path (fresh fixtures per call) and body. */
  route: string;
  make: (caller: Caller) => Target | Promise<Target>;
  /** Expected status for admin, user, pending, anonymous. */
  expected: [number, number, number, number];
}

const CALLERS: Caller[] = ['admin', 'user', 'pending', 'anonymous'];

describe('who may call which users, groups, keys and auth route', () => {
  let t: TestApp;
  const actors = {} as Record<Exclude<Caller, 'anonymous'>, Actor>;
  let serial = 0;
  const unique = (prefix: string): string => `${prefix}-${(serial += 1)}`;

  beforeAll(async () => {
    t = await startTestApp();
    actors.admin = await signUp(t, 'Admin');
    actors.user = await createUser(t, actors.admin, { role: 'user' });
    actors.pending = await signUp(t, 'Pending');
    expect(actors.pending.role).toBe('pending');
  });
  afterAll(() => t.close());

  const admin = () => actors.admin;
  const freshUser = async () => (await createUser(t, admin())).id;
  const freshGroup = () => createGroup(t, admin(), unique('group'), []);
  /** A key the caller owns when it can own one (admin, user), else the admin's. */
  const keyFor = async (caller: Caller) =>
    (await createApiKey(t, caller === 'admin' || caller === 'user' ? actors[caller] : admin())).id;

  const routes: Route[] = [
    {
      method: 'post',
      route: '/api/auths/signup',
      make: () => ({
        path: '/api/auths/signup',
        body: { name: 'New', email: `${unique('signup')}@example.test`, password: DEFAULT_PASSWORD },
      }),
      expected: [200, 200, 200, 200],
    },
    {
      method: 'post',
      route: '/api/auths/signin',
      make: () => ({ path: '/api/auths/signin', body: { email: admin().email, password: DEFAULT_PASSWORD } }),
      expected: [200, 200, 200, 200],
    },
    // Public and idempotent: an expired or missing session must still be able to sign out.
    {
      method: 'post',
      route: '/api/auths/signout',
      make: () => ({ path: '/api/auths/signout' }),
      expected: [200, 200, 200, 200],
    },
    {
      method: 'get',
      route: '/api/auths/signout',
      make: () => ({ path: '/api/auths/signout' }),
      expected: [200, 200, 200, 200],
    },
    { method: 'get', route: '/api/auths', make: () => ({ path: '/api/auths' }), expected: [200, 200, 200, 401] },
    { method: 'get', route: '/api/users', make: () => ({ path: '/api/users' }), expected: [200, 403, 403, 401] },
    {
      method: 'get',
      route: '/api/users/search',
      make: () => ({ path: '/api/users/search?query=a&order_by=email&direction=desc&page=1' }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'get',
      route: '/api/users/:id/info',
      make: async () => ({ path: `/api/users/${await freshUser()}/info` }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'post',
      route: '/api/users',
      make: () => ({
        path: '/api/users',
        body: { name: 'Made', email: `${unique('made')}@example.test`, password: DEFAULT_PASSWORD },
      }),
      expected: [201, 403, 403, 401],
    },
    {
      method: 'get',
      route: '/api/users/:id',
      make: async () => ({ path: `/api/users/${await freshUser()}` }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'patch',
      route: '/api/users/:id',
      make: async () => ({ path: `/api/users/${await freshUser()}`, body: { name: 'Renamed' } }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'delete',
      route: '/api/users/:id',
      make: async () => ({ path: `/api/users/${await freshUser()}` }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'get',
      route: '/api/groups',
      make: () => ({ path: '/api/groups' }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'get',
      route: '/api/groups/:id/info',
      make: async () => ({ path: `/api/groups/${await freshGroup()}/info` }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'get',
      route: '/api/groups/id/:id/info',
      make: async () => ({ path: `/api/v1/groups/id/${await freshGroup()}/info` }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'post',
      route: '/api/groups',
      make: () => ({ path: '/api/groups', body: { name: unique('new-group') } }),
      expected: [201, 403, 403, 401],
    },
    {
      method: 'get',
      route: '/api/groups/:id',
      make: async () => ({ path: `/api/groups/${await freshGroup()}` }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'patch',
      route: '/api/groups/:id',
      make: async () => ({ path: `/api/groups/${await freshGroup()}`, body: { description: 'changed' } }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'delete',
      route: '/api/groups/:id',
      make: async () => ({ path: `/api/groups/${await freshGroup()}` }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'post',
      route: '/api/groups/:id/members',
      make: async () => ({
        path: `/api/groups/${await freshGroup()}/members`,
        body: { user_ids: [await freshUser()] },
      }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'delete',
      route: '/api/groups/:id/members/:userId',
      make: async () => {
        const member = await freshUser();
        return { path: `/api/groups/${await createGroup(t, admin(), unique('g'), [member])}/members/${member}` };
      },
      expected: [200, 403, 403, 401],
    },
    { method: 'get', route: '/api/keys', make: () => ({ path: '/api/keys' }), expected: [200, 200, 403, 401] },
    // The audit log: admins read all of it, users the records of models they can write.
    { method: 'get', route: '/api/audit', make: () => ({ path: '/api/audit' }), expected: [200, 200, 403, 401] },
    {
      method: 'post',
      route: '/api/keys',
      make: () => ({ path: '/api/keys', body: { name: 'matrix' } }),
      expected: [201, 201, 403, 401],
    },
    {
      method: 'delete',
      route: '/api/keys/:id',
      make: async (caller) => ({ path: `/api/keys/${await keyFor(caller)}` }),
      expected: [200, 200, 403, 401],
    },
    // Open WebUI's model routes (docs/api.md); delete/all removes custom models only, none exist here.
    { method: 'get', route: '/api/models', make: () => ({ path: '/api/models' }), expected: [200, 200, 403, 401] },
    {
      method: 'get',
      route: '/api/models/base',
      make: () => ({ path: '/api/models/base' }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'get',
      route: '/api/v1/models/base',
      make: () => ({ path: '/api/v1/models/base' }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'get',
      route: '/api/v1/models/base/tags',
      make: () => ({ path: '/api/v1/models/base/tags' }),
      expected: [200, 200, 403, 401],
    },
    {
      method: 'get',
      route: '/api/v1/models/all',
      make: () => ({ path: '/api/v1/models/all' }),
      expected: [200, 403, 403, 401],
    },
    {
      method: 'delete',
      route: '/api/v1/models/delete/all',
      make: () => ({ path: '/api/v1/models/delete/all' }),
      expected: [200, 403, 403, 401],
    },
  ];

  it("lists every users, groups, keys and auth route the app serves, and Open WebUI's model routes", () => {
    const openWebUi = /^\/api\/(models(\/base)?|v1\/models\/.*)$/;
    const served = nestRoutes(t)
      .filter((route) => /^\/api\/(users|groups|keys|auths|audit)(\/|$)/.test(route.path) || openWebUi.test(route.path))
      .map((route) => `${route.method} ${route.path}`);
    expect(routes.map((route) => `${route.method} ${route.route}`).sort()).toEqual(served.sort());
  });

  const cases = routes.flatMap((route) =>
    CALLERS.map((caller, i) => [route.method.toUpperCase(), route.route, caller, route.expected[i], route] as const),
  );

  it.each(cases)('%s %s as %s answers %i', async (_method, _route, caller, expected, route) => {
    const { path, body } = await route.make(caller);
    let call = request(t.server)[route.method](path);
    if (caller !== 'anonymous') call = call.set(bearer(actors[caller].token));
    const res = await (body ? call.send(body) : call);
    expect({ status: res.status, detail: res.body.detail as unknown }).toMatchObject({ status: expected });
    if (expected >= 400) expect(res.body).toMatchObject({ statusCode: expected, detail: expect.any(String) });
  });
});
