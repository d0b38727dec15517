import request from 'supertest';
import { bearer, createUser, DEFAULT_PASSWORD, signIn, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const USER_FIELDS = ['created_at', 'email', 'id', 'name', 'role', 'updated_at', 'username'];

describe('sign-up, sign-in and the caller', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'First', 'First.Person@Example.test');
  });
  afterAll(() => t.close());

  it('makes the first account ever an admin', () => {
    expect(admin.role).toBe('admin');
  });

  it('gives later sign-ups DEFAULT_USER_ROLE (pending by default)', async () => {
    const later = await signUp(t, 'Later', 'later@example.test');
    expect(later.role).toBe('pending');
  });

  it('answers sign-up like sign-in: token, Bearer type, expiry and the user without its hash', async () => {
    const res = await request(t.server)
      .post('/api/auths/signup')
      .send({ name: 'Shape', email: 'shape@example.test', password: DEFAULT_PASSWORD, username: 'shape' })
      .expect(200);
    const now = Math.floor(Date.now() / 1000);
    expect(res.body).toEqual({
      token: expect.any(String),
      token_type: 'Bearer',
      expires_at: expect.any(Number),
      user: expect.objectContaining({ email: 'shape@example.test', username: 'shape', role: 'pending' }),
    });
    expect(Object.keys(res.body.user).sort()).toEqual(USER_FIELDS);
    expect(res.body.expires_at).toBeGreaterThanOrEqual(now + t.config.jwtExpiresInSeconds - 5);
    expect(JSON.stringify(res.body)).not.toMatch(/\$2[aby]\$/);
  });

  it('signs in with the email in any case and answers the same shape', async () => {
    const res = await request(t.server)
      .post('/api/auths/signin')
      .send({ email: 'FIRST.person@example.TEST', password: DEFAULT_PASSWORD })
      .expect(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', user: { id: admin.id, role: 'admin' } });
    expect(Object.keys(res.body.user).sort()).toEqual(USER_FIELDS);
  });

  it('refuses a second account with the same email, ignoring case, with 409', async () => {
    const res = await request(t.server)
      .post('/api/auths/signup')
      .send({ name: 'Dup', email: 'FIRST.PERSON@example.test', password: DEFAULT_PASSWORD })
      .expect(409);
    expect(res.body.detail).toBe('email already in use');
  });

  it('reports a field of the wrong type as such, on sign-up and sign-in', async () => {
    const signup = await request(t.server)
      .post('/api/auths/signup')
      .send({ name: 123, email: 'typed@example.test', password: DEFAULT_PASSWORD })
      .expect(400);
    expect(signup.body.detail).toBe('name must be a string');
    const signin = await request(t.server).post('/api/auths/signin').send({ email: 123, password: 'x' }).expect(400);
    expect(signin.body.detail).toBe('email must be a string');
  });

  it('answers an unknown email and a wrong password with the same 401 body', async () => {
    const unknown = await request(t.server)
      .post('/api/auths/signin')
      .send({ email: 'nobody@example.test', password: DEFAULT_PASSWORD })
      .expect(401);
    const wrong = await request(t.server)
      .post('/api/auths/signin')
      .send({ email: admin.email, password: 'not-the-password' })
      .expect(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Invalid email or password',
      detail: 'Invalid email or password',
    });
  });

  it.each([
    ['name', { email: 'a@example.test', password: DEFAULT_PASSWORD }],
    ['email', { name: 'A', email: 'not-an-email', password: DEFAULT_PASSWORD }],
    ['password', { name: 'A', email: 'a@example.test', password: 'short' }],
    ['password', { name: 'A', email: 'a@example.test', password: 'é'.repeat(40) }],
    ['username', { name: 'A', email: 'a@example.test', password: DEFAULT_PASSWORD, username: 'has space' }],
    ['role', { name: 'A', email: 'a@example.test', password: DEFAULT_PASSWORD, role: 'admin' }],
  ])('refuses a sign-up with a bad or unexpected %s with 400 naming it', async (field, body) => {
    const res = await request(t.server).post('/api/auths/signup').send(body).expect(400);
    expect(res.body.detail).toContain(field);
  });

  it('answers GET /api/auths with the caller, for pending accounts too', async () => {
    const pending = await signUp(t, 'Waiting', 'waiting@example.test');
    const res = await request(t.server).get('/api/auths').set(bearer(pending.token)).expect(200);
    expect(res.body).toMatchObject({ id: pending.id, role: 'pending', email: 'waiting@example.test' });
    expect(Object.keys(res.body).sort()).toEqual([...USER_FIELDS, 'permissions'].sort());
    await request(t.server).get('/api/keys').set(bearer(pending.token)).expect(403);
  });

  it('applies a role change on the very next request with the same token', async () => {
    const member = await createUser(t, admin, { role: 'user' });
    await request(t.server).get('/api/keys').set(bearer(member.token)).expect(200);
    await request(t.server).get('/api/users').set(bearer(member.token)).expect(403);

    await request(t.server)
      .patch(`/api/users/${member.id}`)
      .set(bearer(admin.token))
      .send({ role: 'admin' })
      .expect(200);
    await request(t.server).get('/api/users').set(bearer(member.token)).expect(200);

    await request(t.server)
      .patch(`/api/users/${member.id}`)
      .set(bearer(admin.token))
      .send({ role: 'pending' })
      .expect(200);
    const res = await request(t.server).get('/api/keys').set(bearer(member.token)).expect(403);
    expect(res.body.detail).toMatch(/pending/);
    await request(t.server).get('/api/auths').set(bearer(member.token)).expect(200);
  });

  it('signs in with a password set by an admin, and no longer with the old one', async () => {
    const member = await createUser(t, admin);
    await request(t.server)
      .patch(`/api/users/${member.id}`)
      .set(bearer(admin.token))
      .send({ password: 'a-brand-new-password' })
      .expect(200);
    await request(t.server)
      .post('/api/auths/signin')
      .send({ email: member.email, password: DEFAULT_PASSWORD })
      .expect(401);
    await expect(signIn(t, member.email, 'a-brand-new-password')).resolves.toEqual(expect.any(String));
  });

  it('documents the routes, their bodies and their credentials in the OpenAPI document', async () => {
    const doc = (await request(t.server).get('/docs-json').expect(200)).body;
    for (const path of ['/api/auths/signin', '/api/users/{id}', '/api/groups/{id}/members', '/api/keys/{id}']) {
      expect(doc.paths[path]).toBeDefined();
    }
    expect(doc.paths['/api/users'].get.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    expect(doc.paths['/api/users'].get.tags).toEqual(['users']);
    for (const schema of ['SignUpDto', 'SessionResponseDto', 'CreateUserDto', 'GroupResponseDto', 'CreateApiKeyDto']) {
      expect(doc.components.schemas[schema]).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas.CreateApiKeyDto.properties)).toEqual(
      expect.arrayContaining(['name', 'group_id', 'models', 'expires_at', 'read_only']),
    );
    // API keys are managed with a sign-in token only, so only that scheme is offered there.
    for (const method of ['get', 'post']) expect(doc.paths['/api/keys'][method].security).toEqual([{ bearer: [] }]);
    for (const schema of ['ApiKeyResponseDto', 'CreatedApiKeyResponseDto']) {
      expect(doc.components.schemas[schema].properties.read_only).toMatchObject({ type: 'boolean' });
      expect(doc.components.schemas[schema].required).toContain('read_only');
    }
  });

  it('also answers under /api/v1/', async () => {
    const res = await request(t.server).get('/api/v1/auths').set(bearer(admin.token)).expect(200);
    expect(res.body.id).toBe(admin.id);
  });
});

describe('sign-in throttle', () => {
  let t: TestApp;
  let victim: Actor;
  let bystander: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signUp(t);
    victim = await createUser(t, admin, { email: 'victim@example.test' });
    bystander = await createUser(t, admin, { email: 'bystander@example.test' });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const attempt = (email: string, password: string) =>
    request(t.server).post('/api/auths/signin').send({ email, password });

  it('refuses an email with 429 after 10 failures in 15 minutes, even with the right password', async () => {
    for (let i = 0; i < 10; i += 1) {
      // Mixed case: the count is per email, whatever its case.
      await attempt(i % 2 ? 'VICTIM@example.test' : 'victim@example.test', 'wrong-password').expect(401);
    }
    const res = await attempt('victim@example.test', DEFAULT_PASSWORD).expect(429);
    expect(res.body).toMatchObject({ statusCode: 429, detail: expect.stringMatching(/Too many failed sign-in/) });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
    await attempt('Victim@Example.test', DEFAULT_PASSWORD).expect(429);
  });

  it('leaves other emails unaffected', async () => {
    await attempt(bystander.email, DEFAULT_PASSWORD).expect(200);
  });

  it('lets the email sign in again once the 15-minute window has passed', async () => {
    const later = Date.now() + 15 * 60 * 1000 + 1000;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    const res = await attempt(victim.email, DEFAULT_PASSWORD).expect(200);
    expect(res.body.user.id).toBe(victim.id);
  });

  it('counts unknown emails too, so probing cannot tell them apart', async () => {
    for (let i = 0; i < 10; i += 1) await attempt('ghost@example.test', 'whatever-pass').expect(401);
    await attempt('ghost@example.test', 'whatever-pass').expect(429);
  });
});
