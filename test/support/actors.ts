import request from 'supertest';
import type { UserRole } from '../../src/common/user-role';
import type { TestApp } from './test-app';

/** Where the builders send requests: a TestApp, or a service by URL (e.g. a ChildService). */
export interface HttpTarget {
  server: TestApp['server'] | string;
}

/** A signed-in account for tests. */
export interface Actor {
  id: string;
  name: string;
  email: string;
  role: UserRole;
  token: string;
}

export const DEFAULT_PASSWORD = 'correct-horse-battery';

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

let counter = 0;
function nextEmail(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Date.now().toString(36)}@example.test`;
}

export async function signIn(t: HttpTarget, email: string, password = DEFAULT_PASSWORD): Promise<string> {
  const res = await request(t.server).post('/api/auths/signin').send({ email, password });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** Signs up through the public route; on a fresh database the first one becomes admin. */
export async function signUp(t: HttpTarget, name = 'Admin', email = nextEmail('admin')): Promise<Actor> {
  const res = await request(t.server).post('/api/auths/signup').send({ name, email, password: DEFAULT_PASSWORD });
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const user = res.body.user as { id: string; role: UserRole };
  return { id: user.id, name, email, role: user.role, token: res.body.token as string };
}

/** Creates an account through the admin route and signs it in. */
export async function createUser(
  t: HttpTarget,
  admin: Actor,
  options: { role?: UserRole; name?: string; email?: string; username?: string } = {},
): Promise<Actor> {
  const role = options.role ?? 'user';
  const name = options.name ?? `${role} ${counter + 1}`;
  const email = options.email ?? nextEmail(role);
  const res = await request(t.server)
    .post('/api/users')
    .set(bearer(admin.token))
    .send({ name, email, password: DEFAULT_PASSWORD, role, username: options.username });
  if (res.status !== 201) throw new Error(`user creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, name, email: email.toLowerCase(), role, token: await signIn(t, email) };
}

export async function createGroup(t: HttpTarget, admin: Actor, name: string, memberIds: string[]): Promise<string> {
  const res = await request(t.server).post('/api/groups').set(bearer(admin.token)).send({ name });
  if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.id as string;
  if (memberIds.length > 0) {
    const add = await request(t.server)
      .post(`/api/groups/${id}/members`)
      .set(bearer(admin.token))
      .send({ user_ids: memberIds });
    if (add.status >= 300) throw new Error(`adding members failed: ${add.status} ${JSON.stringify(add.body)}`);
  }
  return id;
}

export async function createApiKey(
  t: HttpTarget,
  owner: Actor,
  body: { name?: string; group_id?: string; models?: string[]; expires_at?: number; read_only?: boolean } = {},
): Promise<{ id: string; key: string }> {
  const res = await request(t.server)
    .post('/api/keys')
    .set(bearer(owner.token))
    .send({ name: 'test key', ...body });
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, key: res.body.key as string };
}
