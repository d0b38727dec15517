import { userSearchText } from '../../src/users/user-search';
import { Random } from './random';
import { SEED_START, randomTime, updateTime } from './time';
import { FIRST_NAMES, LAST_NAMES, REGIONS, TEAMS } from './words';

export const ADMIN_EMAIL = 'bench-admin@example.test';

export interface UserRow {
  id: string;
  name: string;
  email: string;
  username: string | null;
  role: 'admin' | 'user';
  password_hash: string;
  search: string;
  created_at: number;
  updated_at: number;
}

export interface GroupRow {
  id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

/** Users (index 0 is the admin), groups, and membership both ways, by index. */
export interface People {
  users: UserRow[];
  groups: GroupRow[];
  membersOf: number[][];
  groupsOf: number[][];
}

/** Makes `base`, then `base2`, `base3`, ... unique within one run. */
function uniquifier(): (base: string) => string {
  const seen = new Map<string, number>();
  return (base) => {
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}${count}`;
  };
}

function makeUsers(rng: Random, count: number, passwordHash: string): UserRow[] {
  const uniqueEmail = uniquifier();
  const uniqueUsername = uniquifier();
  const admin = { name: 'Bench Admin', email: ADMIN_EMAIL, username: 'bench-admin', createdAt: SEED_START - 86400 };
  const users: UserRow[] = [{ ...userRow(rng, admin, passwordHash), role: 'admin' }];
  for (let i = 1; i < count; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const handle = `${first}.${last}`.toLowerCase();
    const email = `${uniqueEmail(handle)}@example.test`;
    const username = rng.chance(0.6) ? uniqueUsername(handle.replace('.', '_')) : null;
    users.push(userRow(rng, { name: `${first} ${last}`, email, username, createdAt: randomTime(rng) }, passwordHash));
  }
  return users;
}

function userRow(
  rng: Random,
  user: { name: string; email: string; username: string | null; createdAt: number },
  passwordHash: string,
): UserRow {
  return {
    id: rng.uuid(),
    name: user.name,
    email: user.email,
    username: user.username,
    role: 'user',
    password_hash: passwordHash,
    search: userSearchText(user),
    created_at: user.createdAt,
    updated_at: updateTime(rng, user.createdAt),
  };
}

function makeGroups(rng: Random, count: number): GroupRow[] {
  const uniqueName = uniquifier();
  const groups: GroupRow[] = [];
  for (let i = 0; i < count; i++) {
    const team = rng.pick(TEAMS);
    const region = rng.pick(REGIONS);
    const createdAt = randomTime(rng);
    groups.push({
      id: rng.uuid(),
      name: uniqueName(`${team} ${region}`),
      description: `${team} team, ${region}`,
      created_at: createdAt,
      updated_at: updateTime(rng, createdAt),
    });
  }
  return groups;
}

/** Each group gets 5–200 distinct regular users (never more than exist). */
function makeMemberships(rng: Random, groupCount: number, userCount: number): number[][] {
  const regular = userCount - 1;
  const membersOf: number[][] = [];
  for (let g = 0; g < groupCount; g++) {
    const size = Math.min(rng.int(5, 200), regular);
    membersOf.push(rng.distinctInts(size, regular).map((index) => index + 1));
  }
  return membersOf;
}

export function makePeople(rng: Random, userCount: number, groupCount: number, passwordHash: string): People {
  const users = makeUsers(rng, userCount, passwordHash);
  const groups = makeGroups(rng, groupCount);
  const membersOf = makeMemberships(rng, groupCount, userCount);
  const groupsOf: number[][] = users.map(() => []);
  membersOf.forEach((members, g) => members.forEach((u) => groupsOf[u].push(g)));
  return { users, groups, membersOf, groupsOf };
}
