import request from 'supertest';
import { createApp } from '../src/app.setup';
import { bearer, DEFAULT_PASSWORD, signIn } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const ADMIN = { adminEmail: 'Root@Example.test', adminPassword: 'root-password-123', adminName: 'Root' };

const signUpAs = (t: TestApp, email: string) =>
  request(t.server).post('/api/auths/signup').send({ name: email, email, password: DEFAULT_PASSWORD });

describe('ADMIN_EMAIL + ADMIN_PASSWORD', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp(ADMIN)));
  afterAll(() => t.close());

  it('creates that admin at start, signing in with the configured password', async () => {
    const token = await signIn(t, 'root@example.test', ADMIN.adminPassword);
    const me = await request(t.server).get('/api/auths').set(bearer(token)).expect(200);
    expect(me.body).toMatchObject({ name: 'Root', email: 'root@example.test', role: 'admin' });
  });

  it('makes the first sign-up after it a regular DEFAULT_USER_ROLE account', async () => {
    const res = await signUpAs(t, 'after-root@example.test').expect(200);
    expect(res.body.user.role).toBe('pending');
  });

  it('leaves an existing account with that email alone on the next start', async () => {
    const again = await createApp({ ...t.config, adminPassword: 'a-different-password' });
    await again.init();
    try {
      const admins: Array<{ n: number }> = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM users WHERE email = 'root@example.test'`,
      );
      expect(admins[0].n).toBe(1);
      await signIn(t, 'root@example.test', ADMIN.adminPassword);
    } finally {
      await again.close();
    }
  });

  it('keeps authenticating with its own secret and database after another app started and stopped', async () => {
    const token = await signIn(t, 'root@example.test', ADMIN.adminPassword);
    await request(t.server).get('/api/auths').set(bearer(token)).expect(200);
  });
});

describe('ENABLE_SIGNUP=false', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ ...ADMIN, enableSignup: false })));
  afterAll(() => t.close());

  it('refuses sign-up with 403', async () => {
    const res = await signUpAs(t, 'hopeful@example.test').expect(403);
    expect(res.body.detail).toBe('Sign-up is disabled on this server');
  });

  it('still lets accounts sign in and admins create users', async () => {
    const token = await signIn(t, ADMIN.adminEmail, ADMIN.adminPassword);
    await request(t.server)
      .post('/api/users')
      .set(bearer(token))
      .send({ name: 'Made', email: 'made@example.test', password: DEFAULT_PASSWORD, role: 'user' })
      .expect(201);
    await signIn(t, 'made@example.test');
  });
});

describe('DEFAULT_USER_ROLE=user and simultaneous first sign-ups', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ defaultUserRole: 'user' })));
  afterAll(() => t.close());

  it('makes exactly one admin when several accounts sign up at once on an empty registry', async () => {
    const emails = Array.from({ length: 6 }, (_, i) => `racer-${i}@example.test`);
    const answers = await Promise.all(emails.map((email) => signUpAs(t, email)));
    expect(answers.map((res) => res.status)).toEqual(emails.map(() => 200));
    const roles = answers.map((res) => res.body.user.role as string).sort();
    expect(roles).toEqual(['admin', 'user', 'user', 'user', 'user', 'user']);
  });

  it('gives later sign-ups the configured role', async () => {
    expect((await signUpAs(t, 'later@example.test').expect(200)).body.user.role).toBe('user');
  });
});
