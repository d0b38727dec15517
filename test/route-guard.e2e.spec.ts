import request from 'supertest';
import { V1_ONLY_PATHS } from '../src/api-v1-paths';
import { signUp } from './support/actors';
import { expressRoutes, nestRoutes, type NestRoute } from './support/served-routes';
import { startTestApp, type TestApp } from './support/test-app';

const DUMMY_ID = '00000000-0000-4000-8000-000000000000';

/** A concrete URL for a route pattern: `:param` gets a uuid, a wildcard gets a multi-segment id. */
function fillParams(path: string): string {
  return path
    .replace(/\{?\*\w+\}?/g, 'some/dummy:model')
    .replace(/:\w+/g, DUMMY_ID)
    .replace(/[{}]/g, '');
}

describe('the global guard covers every route', () => {
  let t: TestApp;
  let routes: NestRoute[];
  beforeAll(async () => {
    t = await startTestApp();
    routes = nestRoutes(t);
  });
  afterAll(() => t.close());

  it('finds a non-trivial set of routes, including the public health check and admin routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'get', path: '/health', isPublic: true }));
    expect(routes).toContainEqual(expect.objectContaining({ method: 'get', path: '/api/users', isPublic: false }));
  });

  it('has no Express route outside Nest controllers except the API documentation', () => {
    const known = new Set(routes.map((route) => `${route.method} ${route.path}`));
    const served = expressRoutes(t).map((route) => `${route.method} ${route.path}`);
    const foreign = served.filter((route) => !known.has(route));
    // Swagger's UI and document are registered straight on Express and are public by design.
    expect(foreign.filter((route) => !/^get \/docs([-/]|$)/.test(route))).toEqual([]);
  });

  it('answers 401 to an anonymous request on every route not marked @Public()', async () => {
    const guarded = routes.filter((route) => !route.isPublic);
    expect(guarded.length).toBeGreaterThanOrEqual(10);
    const leaks: string[] = [];
    for (const route of guarded) {
      const url = fillParams(route.path);
      const v1 = url.replace(/^\/api\//, '/api/v1/');
      // A v1-only path is its own route (walked as such) or deliberately none, never this one's alias.
      const aliases = url.startsWith('/api/') && !V1_ONLY_PATHS.has(v1) ? [url, v1] : [url];
      for (const target of aliases) {
        const res = await request(t.server)[route.method as 'get'](target).send({});
        if (res.status !== 401)
          leaks.push(`${route.method.toUpperCase()} ${target} (${route.handler}) → ${res.status}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('answers 401 to a request with an invalid token on every route not marked @Public()', async () => {
    const leaks: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      const call = request(t.server)[route.method as 'get'](fillParams(route.path));
      const res = await call.set('Authorization', 'Bearer not.a.token');
      if (res.status !== 401) leaks.push(`${route.method.toUpperCase()} ${route.path} → ${res.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it('answers 401 to an invalid session cookie on every route not marked @Public(), from its own origin', async () => {
    const leaks: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      const call = request(t.server)[route.method as 'get'](fillParams(route.path));
      const res = await call.set({ Cookie: 'token=not.a.token', Origin: t.baseUrl }).send({});
      if (res.status !== 401) leaks.push(`${route.method.toUpperCase()} ${route.path} → ${res.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it('refuses every guarded GET route the same with If-None-Match: * and warm caches (the revalidation lane)', async () => {
    // `*` matches any tag: a path ahead of the guard that skipped a check would answer 304 here.
    const admin = await signUp(t, 'Warm Cache Admin');
    const reads = routes.filter((r) => !r.isPublic && r.method === 'get');
    expect(reads.length).toBeGreaterThanOrEqual(10);
    const refused: Array<[Record<string, string>, number]> = [
      [{}, 401],
      [{ Authorization: 'Bearer not.a.token' }, 401],
      [{ Authorization: 'Bearer sk-not-a-key' }, 401],
      [{ Cookie: 'token=not.a.token' }, 401],
    ];
    const leaks: string[] = [];
    for (const route of reads) {
      const url = fillParams(route.path);
      await request(t.server).get(url).set('Authorization', `Bearer ${admin.token}`);
      await request(t.server).get(url).set('Authorization', `Bearer ${admin.token}`);
      for (const [headers, status] of refused) {
        const res = await request(t.server)
          .get(url)
          .set({ ...headers, 'If-None-Match': '*' });
        if (res.status !== status) leaks.push(`GET ${url} ${JSON.stringify(headers)} → ${res.status}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('refuses every guarded non-GET route a valid session cookie sent from another origin', async () => {
    const admin = await signUp(t, 'Guard Walk Admin');
    const writes = routes.filter((r) => !r.isPublic && r.method !== 'get');
    expect(writes.length).toBeGreaterThanOrEqual(10);
    const leaks: string[] = [];
    for (const route of writes) {
      const call = request(t.server)[route.method as 'post'](fillParams(route.path));
      const res = await call.set({ Cookie: `token=${admin.token}`, Origin: 'https://evil.example' }).send({});
      const detail = String(res.body.detail ?? '');
      if (res.status !== 403 || !detail.startsWith('cross-site request refused'))
        leaks.push(`${route.method.toUpperCase()} ${route.path} → ${res.status} ${detail}`);
    }
    expect(leaks).toEqual([]);
  });

  it("serves the web app's files without credentials, and nothing else outside the API", async () => {
    // Deliberately public (src/web-app/web-app.ts): the page and its hashed scripts and styles hold
    // no data; every API call the app makes is walked above like any other client's.
    const page = await request(t.server).get('/?view=shared').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const asset = /src="(\/assets\/[^"]+)"/.exec(page.text)?.[1];
    expect(asset).toBeDefined();
    await request(t.server).get(asset!).expect(200);
    for (const path of ['/index.html', '/assets/other.js', '/dist/web/index.html', '/../package.json']) {
      const res = await request(t.server).get(path);
      expect([path, res.status, res.body.statusCode]).toEqual([path, 404, 404]);
    }
  });

  it('lets only deliberately public routes through without credentials', () => {
    const open = routes.filter((route) => route.isPublic).map((route) => `${route.method} ${route.path}`);
    // Public routes are the exception: fewer than a quarter of the API.
    expect(open.length).toBeLessThan(routes.length / 4);
    expect(open).toEqual(
      expect.arrayContaining([
        'get /health',
        'post /api/auths/signin',
        'post /api/auths/signup',
        'post /api/auths/signout',
        'get /api/auths/signout',
      ]),
    );
  });
});
