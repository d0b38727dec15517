import fc from 'fast-check';
import request from 'supertest';
import { Actor, bearer, createApiKey, createGroup, createUser, signUp } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { createBaseModel, groupGrant, modelApi, publicGrant, userGrant, type Grant } from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * Random worlds and random changes against two caching instances on one database, checked after
 * every change against a third instance that keeps nothing (the reference: what the data says now).
 * For every caller and route: a 304 only when the caller's last answer is still the reference, a
 * 200 always equal to the reference (a cached answer is never stale), and a new tag whenever the
 * answer changed. It also counts how often a tag changed although the answer did not (the price
 * of the global change version), printed at the end.
 */
const RUNS = Number(process.env.REVALIDATION_PROPERTY_RUNS ?? 3);
const TIMEOUT_MS = 240_000;
const RUN_BUDGET_MS = TIMEOUT_MS - 60_000;
jest.setTimeout(TIMEOUT_MS);

const BASES = ['base/one', 'base/two'];
const SLOTS = 8;
const MODEL = (slot: number) => `m/${slot}`;

let cached: TestApp;
let other: TestApp;
let reference: TestApp;
let admin: Actor;
let users: Actor[];
let groupIds: string[];
let callers: Array<{ label: string; headers: Record<string, string> }>;

const ROUTES: Array<{ path: string; headers?: Record<string, string> }> = [
  { path: '/api/models/list' },
  { path: '/api/models/list?order_by=name&direction=asc' },
  { path: '/api/models/tags' },
  { path: '/api/models' },
  { path: `/api/models/model?id=${encodeURIComponent(MODEL(0))}` },
  { path: '/v1/models' },
  { path: '/v1/models', headers: { 'anthropic-version': '2023-06-01' } },
  { path: `/v1/models/${MODEL(1)}` },
];

interface Plan {
  owner: number;
  principals: number[];
  isPublic: boolean;
  base: number;
}

type Change =
  | { kind: 'rename'; slot: number; name: string }
  | { kind: 'toggle'; slot: number }
  | { kind: 'grants'; slot: number; principals: number[]; isPublic: boolean }
  | { kind: 'delete'; slot: number }
  | { kind: 'create'; slot: number; plan: Plan }
  | { kind: 'base'; base: number; contextLength: number }
  | { kind: 'rename-user'; user: number; name: string }
  | { kind: 'role'; user: number; role: 'user' | 'admin' }
  | { kind: 'join'; user: number; group: number }
  | { kind: 'leave'; user: number; group: number };

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const user = fc.integer({ min: 0, max: 2 });
const group = fc.integer({ min: 0, max: 1 });
/** Principals 0-2 are the users, 3-4 the groups. */
const principals = fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 2 });
const plan: fc.Arbitrary<Plan> = fc.record({
  owner: fc.integer({ min: 0, max: 2 }),
  principals,
  isPublic: fc.boolean(),
  base: fc.integer({ min: 0, max: 1 }),
});
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('rename' as const), slot, name: fc.constantFrom('Alpha', 'beta', 'Gamma') }),
  fc.record({ kind: fc.constant('toggle' as const), slot }),
  fc.record({ kind: fc.constant('grants' as const), slot, principals, isPublic: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), slot }),
  fc.record({ kind: fc.constant('create' as const), slot, plan }),
  fc.record({ kind: fc.constant('base' as const), base: group, contextLength: fc.constantFrom(4096, 8192) }),
  fc.record({ kind: fc.constant('rename-user' as const), user, name: fc.constantFrom('Ann', 'Ben', 'Cy') }),
  fc.record({ kind: fc.constant('role' as const), user, role: fc.constantFrom('user' as const, 'admin' as const) }),
  fc.record({ kind: fc.constant('join' as const), user, group }),
  fc.record({ kind: fc.constant('leave' as const), user, group }),
);

function grantsOf(ids: number[], isPublic: boolean): Grant[] {
  const grants = ids.map((p) => (p < 3 ? userGrant(users[p].id) : groupGrant(groupIds[p - 3], 'write')));
  return isPublic ? [...grants, publicGrant()] : grants;
}

/** Changes go through either caching instance, as writes behind a load balancer would. */
async function apply(c: Change, via: TestApp): Promise<void> {
  const api = modelApi(via, admin);
  const http = request(via.server);
  switch (c.kind) {
    case 'rename':
      return void (await api.update({ id: MODEL(c.slot), name: c.name }));
    case 'toggle':
      return void (await api.toggle(MODEL(c.slot)));
    case 'grants':
      return void (await api.setAccess(MODEL(c.slot), grantsOf(c.principals, c.isPublic)));
    case 'delete':
      return void (await api.remove(MODEL(c.slot)));
    case 'create':
      return create(c.slot, c.plan, via);
    case 'base':
      return void (await api.update({ id: BASES[c.base], context_length: c.contextLength }));
    case 'rename-user':
      return void (await http.patch(`/api/users/${users[c.user].id}`).set(bearer(admin.token)).send({ name: c.name }));
    case 'role':
      return void (await http.patch(`/api/users/${users[c.user].id}`).set(bearer(admin.token)).send({ role: c.role }));
    case 'join':
      return void (await http
        .post(`/api/groups/${groupIds[c.group]}/members`)
        .set(bearer(admin.token))
        .send({ user_ids: [users[c.user].id] }));
    case 'leave':
      return void (await http
        .delete(`/api/groups/${groupIds[c.group]}/members/${users[c.user].id}`)
        .set(bearer(admin.token)));
  }
}

async function create(s: number, p: Plan, via: TestApp): Promise<void> {
  await modelApi(via, users[p.owner]).create({
    id: MODEL(s),
    name: `model ${s}`,
    base_model_id: BASES[p.base],
    meta: { tags: [{ name: `t${s % 3}` }] },
    access_grants: grantsOf(p.principals, false),
  });
  // Public grants are the admin's to give.
  if (p.isPublic) await modelApi(via, admin).setAccess(MODEL(s), grantsOf(p.principals, true));
}

/** The world back to its start: only the planned models, every user a plain member of no group. */
async function reset(plans: Plan[]): Promise<void> {
  await cached.dataSource.query(`DELETE FROM models WHERE base_model_id IS NOT NULL`);
  await cached.dataSource.query(`DELETE FROM group_members WHERE user_id <> $1`, [admin.id]);
  await cached.dataSource.query(`UPDATE users SET role = 'user' WHERE id <> $1`, [admin.id]);
  for (const [s, p] of plans.entries()) await create(s, p, cached);
}

interface Seen {
  tag: string;
  body: string;
}

const stats = { checks: 0, answerChanged: 0, tagChangedAnswerSame: 0, notModified: 0 };

async function fetchFrom(t: TestApp, caller: number, route: number, ifNoneMatch?: string) {
  const req = request(t.server)
    .get(ROUTES[route].path)
    .set(callers[caller].headers)
    .set(ROUTES[route].headers ?? {});
  if (ifNoneMatch) req.set('If-None-Match', ifNoneMatch);
  const res = await req;
  return { status: res.status, tag: res.headers.etag as string | undefined, body: res.text };
}

/** Every caller and route against the reference; updates `seen`. */
async function checkAll(seen: Map<string, Seen>, via: TestApp[]): Promise<void> {
  for (let caller = 0; caller < callers.length; caller += 1) {
    for (let route = 0; route < ROUTES.length; route += 1) {
      const key = `${caller}:${route}`;
      const want = await fetchFrom(reference, caller, route);
      const before = seen.get(key);
      const got = await fetchFrom(via[(caller + route) % via.length], caller, route, before?.tag);
      const where = { caller: callers[caller].label, route: ROUTES[route] };
      stats.checks += 1;
      if (before && before.body !== want.body) stats.answerChanged += 1;
      if (got.status === 304) {
        stats.notModified += 1;
        expect({ ...where, stale304: before?.body !== want.body }).toEqual({ ...where, stale304: false });
        continue;
      }
      expect({ ...where, status: got.status, body: got.body }).toEqual({
        ...where,
        status: want.status,
        body: want.body,
      });
      if (want.status !== 200) {
        seen.delete(key);
        continue;
      }
      if (before && before.body === want.body) stats.tagChangedAnswerSame += 1;
      expect(got.tag).toBe(want.tag);
      seen.set(key, { tag: got.tag as string, body: got.body });
    }
  }
  // The same tag for two callers or routes means the same answer.
  const byTag = new Map<string, string>();
  for (const { tag, body } of seen.values()) {
    expect(byTag.get(tag) ?? body).toBe(body);
    byTag.set(tag, body);
  }
}

beforeAll(async () => {
  cached = await startTestApp();
  other = await startAppOnDatabase(cached.config.databaseUrl);
  reference = await startAppOnDatabase(cached.config.databaseUrl, { answerCacheMb: 0 });
  admin = await signUp(cached, 'Root');
  users = [];
  for (const name of ['Ann', 'Ben', 'Cy']) users.push(await createUser(cached, admin, { name }));
  groupIds = [await createGroup(cached, admin, 'g one', []), await createGroup(cached, admin, 'g two', [])];
  for (const id of BASES) await createBaseModel(cached, admin, { id });
  const teamKey = await createApiKey(cached, admin, { group_id: await createGroup(cached, admin, 'keys', [admin.id]) });
  const listKey = await createApiKey(cached, users[0], { models: [MODEL(0), MODEL(1), MODEL(2), BASES[0]] });
  const plainKey = await createApiKey(cached, users[1]);
  callers = [
    { label: 'admin token', headers: bearer(admin.token) },
    ...users.map((u) => ({ label: `${u.name} token`, headers: bearer(u.token) })),
    { label: 'admin key with token group', headers: { 'x-api-key': teamKey.key } },
    { label: 'Ann key with allow-list', headers: { 'x-api-key': listKey.key } },
    { label: 'Ben full key', headers: { 'x-api-key': plainKey.key } },
  ];
});
afterAll(async () => {
  await reference?.close();
  await other?.close();
  await cached?.close();
});

it('never answers a stale 304 or a stale cached answer, and gives every changed answer a new tag', async () => {
  const scenario = fc.tuple(
    fc.array(plan, { minLength: SLOTS - 2, maxLength: SLOTS }),
    fc.array(change, { minLength: 4, maxLength: 8 }),
  );
  let runs = 0;
  const deadline = Date.now() + RUN_BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(scenario, async ([plans, changes]) => {
      if (Date.now() > deadline) return;
      runs += 1;
      await reset(plans);
      const seen = new Map<string, Seen>();
      await checkAll(seen, [cached, other]);
      for (const [i, c] of changes.entries()) {
        // On a slow machine fewer changes rather than a jest timeout with requests still in flight.
        if (Date.now() > deadline) return;
        await apply(c, i % 2 === 0 ? cached : other);
        await checkAll(seen, [cached, other]);
      }
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(Math.min(RUNS, 2));
  expect(stats.answerChanged).toBeGreaterThan(0);
  expect(stats.notModified).toBeGreaterThan(0);
  console.info(`revalidation property: ${JSON.stringify(stats)}`);
});
