import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { bearer, createApiKey, createUser, DEFAULT_PASSWORD, signUp, type Actor } from './support/actors';
import { createBaseModel, createCustomModel, readModel, TINY_PNG_BASE64 } from './support/model-fixtures';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from './support/test-app';

const now = (): number => Math.floor(Date.now() / 1000);
const ALLOWED = 'https://app.example.com';
const EVIL = 'https://evil.example';
const MODEL = 'cookie/model';
const CLEARED = 'token=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax';

/** The Set-Cookie headers of a response (always an array, empty when none). */
const setCookies = (res: request.Response): string[] => {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  return header === undefined ? [] : ([] as string[]).concat(header);
};
const cookie = (token: string) => ({ Cookie: `token=${token}` });

describe('the session cookie (docs/access.md, Cookies)', () => {
  let t: TestApp;
  let admin: Actor;
  let user: Actor;

  beforeAll(async () => {
    t = await startTestApp({ corsOrigins: [ALLOWED] });
    admin = await signUp(t, 'Cookie Admin');
    user = await createUser(t, admin, { name: 'Cookie User' });
    await createBaseModel(t, admin, { id: 'cookie/base' });
    await createCustomModel(t, user, {
      id: MODEL,
      base_model_id: 'cookie/base',
      meta: { profile_image_url: `data:image/png;base64,${TINY_PNG_BASE64}` },
    });
  });
  afterAll(() => t.close());

  /** A cookie-only update of the model's name, with the given extra headers. */
  const renameWithCookie = (name: string, headers: Record<string, string>) =>
    request(t.server)
      .post('/api/models/model/update')
      .set({ ...cookie(user.token), ...headers })
      .send({ id: MODEL, name });
  const currentName = async () => (await readModel(t, user, MODEL)).name as string;

  describe('set by sign-in and sign-up', () => {
    it('sign-in sets token as an httpOnly, SameSite=Lax, Path=/ cookie living as long as the token', async () => {
      const before = now();
      const res = await request(t.server)
        .post('/api/auths/signin')
        .send({ email: user.email, password: DEFAULT_PASSWORD })
        .expect(200);
      const after = now();
      const [only, ...others] = setCookies(res);
      expect(others).toEqual([]);
      const match = /^token=([^;]+); Max-Age=(\d+); Path=\/; HttpOnly; SameSite=Lax$/.exec(only);
      expect(match).not.toBeNull();
      expect(match![1]).toBe(res.body.token);
      const maxAge = Number(match![2]);
      expect(maxAge).toBeGreaterThanOrEqual(res.body.expires_at - after - 1);
      expect(maxAge).toBeLessThanOrEqual(res.body.expires_at - before);
      expect(maxAge).toBeGreaterThan(t.config.jwtExpiresInSeconds - 5);
    });

    it('sign-up sets the same cookie; a failed sign-in sets none', async () => {
      const email = `cookie-signup-${now()}@example.test`;
      const res = await request(t.server)
        .post('/api/auths/signup')
        .send({ name: 'New', email, password: DEFAULT_PASSWORD })
        .expect(200);
      expect(setCookies(res)).toEqual([
        expect.stringMatching(/^token=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/),
      ]);
      expect(setCookies(res)[0]).toContain(`token=${res.body.token};`);
      const failed = await request(t.server).post('/api/auths/signin').send({ email, password: 'wrong-password' });
      expect(failed.status).toBe(401);
      expect(setCookies(failed)).toEqual([]);
    });

    it('is not Secure over plain HTTP, and X-Forwarded-Proto is not believed without TRUST_PROXY', async () => {
      const res = await request(t.server)
        .post('/api/auths/signin')
        .set('X-Forwarded-Proto', 'https')
        .send({ email: user.email, password: DEFAULT_PASSWORD })
        .expect(200);
      expect(setCookies(res)[0]).not.toMatch(/Secure/i);
    });
  });

  describe('a credential on every route', () => {
    it('alone reads the caller, the workspace list and the gateway list', async () => {
      expect((await request(t.server).get('/api/auths').set(cookie(user.token)).expect(200)).body.id).toBe(user.id);
      const list = await request(t.server).get('/api/models/list').set(cookie(user.token)).expect(200);
      expect((list.body.items as Array<{ id: string }>).map((m) => m.id)).toContain(MODEL);
      const gateway = await request(t.server).get('/v1/models').set(cookie(user.token)).expect(200);
      expect((gateway.body.data as Array<{ id: string }>).map((m) => m.id)).toContain(MODEL);
    });

    it("serves the profile image to the cookie alone, as Open WebUI's <img> asks for it (with lang)", async () => {
      const res = await request(t.server)
        .get('/api/models/model/profile/image')
        .query({ id: MODEL, lang: 'en-US' })
        .set(cookie(user.token))
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^image\/png/);
      expect(Buffer.from(res.body as Buffer).equals(Buffer.from(TINY_PNG_BASE64, 'base64'))).toBe(true);
      await request(t.server).get('/api/models/model/profile/image').query({ id: MODEL, lang: 'en' }).expect(401);
    });

    it('still refuses other unknown parameters on the image route', async () => {
      const res = await request(t.server)
        .get('/api/models/model/profile/image')
        .query({ id: MODEL, lang: 'en', size: 'large' })
        .set(cookie(user.token))
        .expect(400);
      expect(res.body.detail).toMatch(/size/);
      const twice = await request(t.server)
        .get(`/api/models/model/profile/image?id=${encodeURIComponent(MODEL)}&lang=en&lang=de`)
        .set(cookie(user.token))
        .expect(400);
      expect(twice.body.detail).toMatch(/lang must be a string/);
    });

    it('comes last: an API key or a Bearer token wins over it', async () => {
      const { key } = await createApiKey(t, admin);
      const withKey = await request(t.server)
        .get('/api/auths')
        .set({ ...cookie(user.token), 'x-api-key': key });
      expect(withKey.body.id).toBe(admin.id);
      const withBearer = await request(t.server)
        .get('/api/auths')
        .set({ ...cookie(user.token), ...bearer(admin.token) });
      expect(withBearer.body.id).toBe(admin.id);
      const badBearer = await request(t.server)
        .get('/api/auths')
        .set({ ...cookie(user.token), ...bearer('not.a.token') });
      expect(badBearer.status).toBe(401);
    });

    it('refuses an expired or invalid cookie with 401, like such a token', async () => {
      const expired = sign({ sub: user.id, iat: now() - 7200, exp: now() - 3600 }, TEST_JWT_SECRET);
      const res = await request(t.server).get('/api/auths').set(cookie(expired)).expect(401);
      expect(res.body.detail).toMatch(/expired/);
      for (const value of [
        'not.a.token',
        'sk-0123456789abcdef',
        sign({ sub: user.id }, 'another-secret-another-secret-0000'),
      ]) {
        expect((await request(t.server).get('/api/models/list').set(cookie(value))).status).toBe(401);
      }
      const sameOrigin = await request(t.server)
        .post('/api/models/model/toggle')
        .query({ id: MODEL })
        .set({ ...cookie(expired), Origin: t.baseUrl });
      expect(sameOrigin.status).toBe(401);
    });
  });

  describe('cross-site requests (CSRF)', () => {
    it('refuses a cookie-only POST from another origin with 403, and changes nothing', async () => {
      const before = await readModel(t, user, MODEL);
      const res = await renameWithCookie('Renamed by evil', { Origin: EVIL }).expect(403);
      expect(res.body.detail).toMatch(/^cross-site request refused: origin "https:\/\/evil.example" is neither/);
      const toggle = await request(t.server)
        .post('/api/models/model/toggle')
        .query({ id: MODEL })
        .set({ ...cookie(user.token), Origin: EVIL });
      expect(toggle.status).toBe(403);
      expect(await readModel(t, user, MODEL)).toEqual(before);
    });

    it('refuses a cookie-only POST with neither Origin nor Referer, or with Origin: null', async () => {
      const res = await renameWithCookie('No origin', {}).expect(403);
      expect(res.body.detail).toMatch(/^cross-site request refused: no Origin or Referer header/);
      await renameWithCookie('Null origin', { Origin: 'null' }).expect(403);
      expect(await currentName()).not.toMatch(/origin/);
    });

    it('accepts a cookie-only POST from this service itself (Origin, scheme-aware)', async () => {
      await renameWithCookie('Same origin', { Origin: t.baseUrl }).expect(200);
      expect(await currentName()).toBe('Same origin');
      await renameWithCookie('Wrong scheme', { Origin: t.baseUrl.replace('http:', 'https:') }).expect(403);
      expect(await currentName()).toBe('Same origin');
    });

    it("falls back to Referer's origin when there is no Origin", async () => {
      await renameWithCookie('Via referer', { Referer: `${t.baseUrl}/app/?model=x` }).expect(200);
      expect(await currentName()).toBe('Via referer');
      await renameWithCookie('Evil referer', { Referer: `${EVIL}${new URL(t.baseUrl).pathname}` }).expect(403);
      await renameWithCookie('Unreadable referer', { Referer: 'not a url' }).expect(403);
      expect(await currentName()).toBe('Via referer');
    });

    it('accepts an origin listed in CORS_ORIGINS, and lets it read the answer with credentials', async () => {
      const res = await renameWithCookie('From the allowed origin', { Origin: ALLOWED }).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(await currentName()).toBe('From the allowed origin');
    });

    it('does not apply to a Bearer token or an API key, whatever the Origin', async () => {
      const rename = (headers: Record<string, string>, name: string) =>
        request(t.server).post('/api/models/model/update').set(headers).send({ id: MODEL, name });
      await rename(bearer(user.token), 'Bearer, no origin').expect(200);
      await rename({ ...bearer(user.token), ...cookie(user.token), Origin: EVIL }, 'Bearer wins').expect(200);
      expect(await currentName()).toBe('Bearer wins');
      const { key } = await createApiKey(t, user);
      await rename({ 'x-api-key': key, ...cookie(user.token), Origin: EVIL }, 'Key wins').expect(200);
      expect(await currentName()).toBe('Key wins');
    });

    it('does not apply to GET and HEAD', async () => {
      await request(t.server)
        .get('/api/auths')
        .set({ ...cookie(user.token), Origin: EVIL })
        .expect(200);
      await request(t.server)
        .head('/api/models/list')
        .set({ ...cookie(user.token), Origin: EVIL })
        .expect(200);
    });
  });

  describe('sign-out', () => {
    it('clears the cookie; the browser then sends none and is signed out', async () => {
      const agent = request.agent(t.server);
      await agent.post('/api/auths/signin').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(200);
      expect((await agent.get('/api/auths').expect(200)).body.id).toBe(user.id);
      const res = await agent.post('/api/auths/signout').set('Origin', t.baseUrl).expect(200);
      expect(res.body).toEqual({ status: true });
      expect(setCookies(res)).toEqual([CLEARED]);
      await agent.get('/api/auths').expect(401);
    });

    it('answers 200 without a cookie, with an expired one, and on GET (as Open WebUI calls it)', async () => {
      const expired = sign({ sub: user.id, iat: now() - 7200, exp: now() - 3600 }, TEST_JWT_SECRET);
      for (const call of [
        request(t.server).post('/api/auths/signout'),
        request(t.server).post('/api/auths/signout').set(cookie(expired)),
        request(t.server).get('/api/auths/signout').set(cookie(user.token)),
      ]) {
        const res = await call.expect(200);
        expect(setCookies(res)).toEqual([CLEARED]);
      }
    });

    it('does not revoke the token itself: a copy keeps working until it expires (SECURITY.md)', async () => {
      const token = (
        await request(t.server).post('/api/auths/signin').send({ email: user.email, password: DEFAULT_PASSWORD })
      ).body.token as string;
      await request(t.server).post('/api/auths/signout').set(cookie(token)).expect(200);
      expect((await request(t.server).get('/api/auths').set(cookie(token)).expect(200)).body.id).toBe(user.id);
    });
  });
});

describe('the session cookie behind a trusted proxy (TRUST_PROXY)', () => {
  let t: TestApp;
  let user: Actor;
  beforeAll(async () => {
    t = await startTestApp({ trustProxy: ['loopback'] });
    user = await signUp(t, 'Proxied Admin');
  });
  afterAll(() => t.close());

  const proxied = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'registry.example.com' };

  it('is Secure when the proxy says the request came over HTTPS', async () => {
    const res = await request(t.server)
      .post('/api/auths/signin')
      .set(proxied)
      .send({ email: user.email, password: DEFAULT_PASSWORD })
      .expect(200);
    expect(setCookies(res)[0]).toMatch(/^token=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const signOut = await request(t.server).post('/api/auths/signout').set(proxied).expect(200);
    expect(setCookies(signOut)[0]).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it("takes the service's own origin from the proxy's scheme and host", async () => {
    const headers = { ...proxied, ...cookie(user.token) };
    const create = (origin: string, id: string) =>
      request(t.server)
        .post('/api/groups')
        .set({ ...headers, Origin: origin })
        .send({ name: id });
    await create('https://registry.example.com', 'proxied-same-origin').expect(201);
    await create('http://registry.example.com', 'proxied-plain-http').expect(403);
    await create(t.baseUrl, 'proxied-backend-address').expect(403);
  });
});
