import { createUser, signUp, type Actor } from './actors';
import { startTestApp, type TestApp } from './test-app';

export interface Cast<Role extends string> {
  t: TestApp;
  admin: Actor;
  users: Record<Role, Actor>;
}

/**
 * The usual start of an access test: a fresh app, its first admin ("<prefix> Admin") and one user
 * per role ("<prefix> Owner", …), created one after another in the order given.
 */
export async function startWithCast<const Role extends string>(
  prefix: string,
  roles: readonly Role[],
): Promise<Cast<Role>> {
  const t = await startTestApp();
  const named = (role: string) => [prefix, role.charAt(0).toUpperCase() + role.slice(1)].filter(Boolean).join(' ');
  const admin = await signUp(t, named('admin'));
  const users = {} as Record<Role, Actor>;
  for (const role of roles) users[role] = await createUser(t, admin, { name: named(role) });
  return { t, admin, users };
}
