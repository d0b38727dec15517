import { RevalidationLane } from '../src/auth/revalidation-lane';
import fc from 'fast-check';
import request from 'supertest';
import { bearer, createApiKey, createGroup } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { groupGrant, modelApi, publicGrant, userGrant, type Grant } from './support/model-fixtures';
import { BASES, buildWorld, modelPlan, seed, type ModelPlan, type World } from './support/random-world';
import { startTestApp, type TestApp } from './support/test-app';
import { encodePageToken } from '../src/gateway/gemini.format';

/*
 * Random worlds (test/support/random-world.ts, as the list's property test) and random changes
 * against two caching instances on one database, checked after
 * every change against a third instance that keeps nothing (the reference: what the data says now).
 * For every caller and route: a 304 only when the caller's last answer is still the reference, a
 * 200 always equal to the reference (a cached answer is never stale), and a new tag whenever the
 * answer changed. Each scenario also draws list routes with random filters (query, tag, view,
 * endpoint_type, owned_by, capability, min_context_length, max_input_price), in the workspace list
 * and the three /v1/models formats with paging, and random model contents (capabilities, endpoint
 * types, owner label, context length, price, hidden) for them to narrow. It also counts how often
 * a tag changed although the answer did not (the price of the scoped change version), printed at
 * the end.
 */
const RUNS = Number(process.env.REVALIDATION_PROPERTY_RUNS ?? 3);
const TIMEOUT_MS = 240_000;
const RUN_BUDGET_MS = TIMEOUT_MS - 60_000;
jest.setTimeout(TIMEOUT_MS);

/** Changes pick models by slot: the seeded ones first, then ids that do not exist until created. */
const SLOTS = 10;
let ids: string[] = [];
const MODEL = (slot: number) => ids[slot] ?? `new/${slot}`;

let cached: TestApp;
let other: TestApp;
let reference: TestApp;
let world: World;
let allowListKeyId: string;
let callers: Array<{ label: string; headers: Record<string, string> }>;
const admin = () => world.people[0].actor;
const person = (i: number) => world.people[i].actor;

interface Route {
  path: () => string;
  headers?: Record<string, string>;
}
const ANTHROPIC = { 'anthropic-version': '2023-06-01' };
const FIXED_ROUTES: Route[] = [
  { path: () => '/api/models/list' },
  { path: () => '/api/models/list?order_by=name&direction=asc' },
  { path: () => '/api/models/tags' },
  { path: () => '/api/models' },
  { path: () => `/api/models/model?id=${encodeURIComponent(MODEL(0))}` },
  { path: () => '/v1/models' },
  { path: () => '/v1/models', headers: ANTHROPIC },
  { path: () => `/v1/models/${encodeURIComponent(MODEL(1))}` },
];
/** The fixed routes, then the scenario's filtered ones. */
let routes: Route[] = FIXED_ROUTES;

const slot = fc.integer({ min: 0, max: SLOTS - 1 });

/** What a model shows that the filters narrow by (docs/api.md, "Filters"); applied with an update. */
interface Content {
  capabilities: string[];
  endpointTypes: string[] | null;
  ownedBy: string | null;
  contextLength: number | null;
  inputPrice: number | null;
  hidden: boolean;
}
const content: fc.Arbitrary<Content> = fc.record({
  capabilities: fc.subarray(['tools', 'vision']),
  endpointTypes: fc.option(fc.subarray(['chat', 'embedding', 'image'], { minLength: 1 }), { nil: null }),
  ownedBy: fc.option(fc.constantFrom('x', 'y'), { nil: null }),
  contextLength: fc.option(fc.constantFrom(4096, 32768), { nil: null }),
  inputPrice: fc.option(fc.constantFrom(0.5, 3, 10), { nil: null }),
  hidden: fc.boolean(),
});

type Param = [string, string | number];
/** Up to two of the content filters, repeatable ones with 1-2 values in random order. */
const listFilter: fc.Arbitrary<Param[]> = fc
  .uniqueArray(
    fc.oneof(
      fc
        .shuffledSubarray(['tools', 'vision', 'web'], { minLength: 1, maxLength: 2 })
        .map((v) => ['capability', v] as const),
      fc
        .shuffledSubarray(['chat', 'embedding', 'image'], { minLength: 1, maxLength: 2 })
        .map((v) => ['endpoint_type', v] as const),
      fc
        .shuffledSubarray(['x', 'y', 'test-provider'], { minLength: 1, maxLength: 2 })
        .map((v) => ['owned_by', v] as const),
      fc.constantFrom(0, 4096, 8192, 32768).map((v) => ['min_context_length', [v]] as const),
      fc.constantFrom(0.5, 3, 100).map((v) => ['max_input_price', [v]] as const),
    ),
    { maxLength: 2, selector: ([name]) => name },
  )
  .map((filters) => filters.flatMap(([name, values]) => values.map((v): Param => [name, v])));
/** Up to two of the workspace list's own parameters. */
const workspaceParams = fc.subarray<Param>(
  [
    ['query', 'a'],
    ['tag', 'alpha'],
    ['view_option', 'shared'],
    ['page', 2],
    ['order_by', 'name'],
  ],
  { maxLength: 2 },
);
/** A list route with random filters in one family; paging cursors name slots (which may not exist: a 400). */
const filteredRoute: fc.Arbitrary<{ family: string; params: Param[] }> = fc
  .tuple(
    listFilter,
    fc.oneof(
      workspaceParams.map((extra) => ({ family: 'workspace', extra })),
      fc.constant({ family: 'openai', extra: [] as Param[] }),
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.option(slot), fc.option(slot)).map(([limit, after, before]) => ({
        family: 'anthropic',
        extra: [
          ['limit', limit],
          ...(after === null ? [] : [['after_id', after]]),
          ...(before === null ? [] : [['before_id', before]]),
        ] as Param[],
      })),
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.option(slot)).map(([size, token]) => ({
        family: 'gemini',
        extra: [['pageSize', size], ...(token === null ? [] : [['pageToken', token]])] as Param[],
      })),
    ),
  )
  .map(([filters, { family, extra }]) => ({ family, params: [...filters, ...extra] }));

/** Cursors are slots, resolved to the current world's ids when the route is asked. */
function toRoute({ family, params }: { family: string; params: Param[] }): Route {
  const value = (name: string, v: string | number) => {
    if (name === 'after_id' || name === 'before_id') return MODEL(v as number);
    if (name === 'pageToken') return encodePageToken(MODEL(v as number));
    return String(v);
  };
  const query = () => params.map(([name, v]) => `${name}=${encodeURIComponent(value(name, v))}`).join('&');
  if (family === 'workspace') return { path: () => `/api/models/list?${query()}` };
  if (family === 'gemini') return { path: () => `/v1beta/models?${query()}` };
  return { path: () => `/v1/models?${query()}`, headers: family === 'anthropic' ? ANTHROPIC : undefined };
}

type Change =
  | { kind: 'rename'; slot: number; name: string }
  | { kind: 'toggle'; slot: number }
  | { kind: 'grants'; slot: number; principals: number[]; isPublic: boolean }
  | { kind: 'delete'; slot: number }
  | { kind: 'create'; slot: number; plan: ModelPlan }
  | { kind: 'base'; base: number; contextLength: number }
  | { kind: 'rename-user'; user: number; name: string }
  | { kind: 'role'; user: number; role: 'user' | 'admin' }
  | { kind: 'join'; user: number; group: number }
  | { kind: 'leave'; user: number; group: number }
  | { kind: 'content'; slot: number; content: Content };

/** People 1-4 (0, the admin, makes the changes and stays admin). */
const user = fc.integer({ min: 1, max: 4 });
const group = fc.integer({ min: 0, max: 2 });
/** Principals 0-4 are the people, 5-7 the groups, as in random-world.ts. */
const principals = fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 3 });
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('rename' as const), slot, name: fc.constantFrom('Alpha', 'beta', 'Gamma') }),
  fc.record({ kind: fc.constant('toggle' as const), slot }),
  fc.record({ kind: fc.constant('grants' as const), slot, principals, isPublic: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), slot }),
  fc.record({ kind: fc.constant('create' as const), slot, plan: modelPlan }),
  fc.record({
    kind: fc.constant('base' as const),
    base: fc.integer({ min: 0, max: 1 }),
    contextLength: fc.constantFrom(4096, 8192),
  }),
  fc.record({ kind: fc.constant('rename-user' as const), user, name: fc.constantFrom('Ann', 'Ben', 'Cy') }),
  fc.record({ kind: fc.constant('role' as const), user, role: fc.constantFrom('user' as const, 'admin' as const) }),
  fc.record({ kind: fc.constant('join' as const), user, group }),
  fc.record({ kind: fc.constant('leave' as const), user, group }),
  fc.record({ kind: fc.constant('content' as const), slot, content }),
);

function grantsOf(principalIds: number[], isPublic: boolean): Grant[] {
  const grants = principalIds.map((p) =>
    p < 5 ? userGrant(world.people[p].id) : groupGrant(world.groupIds[p - 5], 'write'),
  );
  return isPublic ? [...grants, publicGrant()] : grants;
}

/** Changes go through either caching instance, as writes behind a load balancer would. */
async function apply(c: Change, via: TestApp): Promise<void> {
  const api = modelApi(via, admin());
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
      return void (await http
        .patch(`/api/users/${world.people[c.user].id}`)
        .set(bearer(admin().token))
        .send({ name: c.name }));
    case 'role':
      return void (await http
        .patch(`/api/users/${world.people[c.user].id}`)
        .set(bearer(admin().token))
        .send({ role: c.role }));
    case 'join':
      return void (await http
        .post(`/api/groups/${world.groupIds[c.group]}/members`)
        .set(bearer(admin().token))
        .send({ user_ids: [world.people[c.user].id] }));
    case 'leave':
      return void (await http
        .delete(`/api/groups/${world.groupIds[c.group]}/members/${world.people[c.user].id}`)
        .set(bearer(admin().token)));
    case 'content':
      return void (await api.update(contentUpdate(MODEL(c.slot), c.content)));
  }
}

/** The update that gives a model this content (its meta replaced: description and tags dropped). */
function contentUpdate(id: string, c: Content): object {
  return {
    id,
    meta: { capabilities: Object.fromEntries(c.capabilities.map((name) => [name, true])), hidden: c.hidden },
    supported_endpoint_types: c.endpointTypes,
    owned_by: c.ownedBy,
    context_length: c.contextLength,
    pricing: c.inputPrice === null ? null : { input_per_million: c.inputPrice, currency: 'USD' },
  };
}

async function create(s: number, p: ModelPlan, via: TestApp): Promise<void> {
  await modelApi(via, person(p.owner)).create({
    id: MODEL(s),
    name: p.name,
    base_model_id: p.base,
    meta: { description: p.description, tags: p.tags },
    access_grants: grantsOf(
      p.grants.map((g) => g.principal),
      false,
    ),
  });
  // Public grants are the admin's to give.
  if (p.isPublic)
    await modelApi(via, admin()).setAccess(
      MODEL(s),
      grantsOf(
        p.grants.map((g) => g.principal),
        true,
      ),
    );
}

/** A new world: the planned models (random-world.ts), the people's roles, names and groups as built. */
async function reset(plans: ModelPlan[], contents: Content[]): Promise<void> {
  const db = cached.dataSource;
  ids = (await seed(world, plans)).map((m) => m.id).slice(0, SLOTS - 2);
  for (const [i, c] of contents.entries()) {
    if (ids[i] !== undefined) await modelApi(cached, admin()).update(contentUpdate(ids[i], c));
  }
  await db.query(`DELETE FROM group_members WHERE group_id = ANY($1::uuid[])`, [world.groupIds]);
  for (const [g, members] of world.groupMembers.entries()) {
    for (const i of members) {
      await db.query(`INSERT INTO group_members (group_id, user_id, created_at) VALUES ($1, $2, 0)`, [
        world.groupIds[g],
        world.people[i].id,
      ]);
    }
  }
  for (const p of world.people.slice(1)) {
    await db.query(`UPDATE users SET role = 'user', name = $2 WHERE id = $1`, [p.id, p.name]);
  }
  await db.query(`UPDATE api_keys SET models = $2 WHERE id = $1`, [allowListKeyId, [...ids.slice(0, 3), BASES[0]]]);
}

interface Seen {
  tag: string;
  body: string;
}

/**
 * answerSame: revalidations whose answer had not changed; tagChangedAnswerSame: those of them
 * that got a new tag anyway (a 200 with the same body). filtered*: the drawn filter routes.
 */
const stats = {
  checks: 0,
  answerChanged: 0,
  answerSame: 0,
  tagChangedAnswerSame: 0,
  notModified: 0,
  filteredChecks: 0,
  filteredErrors: 0,
  filteredAnswerSame: 0,
  filteredTagChangedAnswerSame: 0,
  filteredAnswers: new Set<string>(),
};

async function fetchFrom(t: TestApp, caller: number, route: number, ifNoneMatch?: string) {
  const req = request(t.server)
    .get(routes[route].path())
    .set(callers[caller].headers)
    .set(routes[route].headers ?? {});
  if (ifNoneMatch) req.set('If-None-Match', ifNoneMatch);
  const res = await req;
  return { status: res.status, tag: res.headers.etag as string | undefined, body: res.text };
}

/** Every caller and route against the reference; updates `seen`. */
async function checkAll(seen: Map<string, Seen>, via: TestApp[]): Promise<void> {
  for (let caller = 0; caller < callers.length; caller += 1) {
    for (let route = 0; route < routes.length; route += 1) {
      const key = `${caller}:${route}`;
      const want = await fetchFrom(reference, caller, route);
      const before = seen.get(key);
      const got = await fetchFrom(via[(caller + route) % via.length], caller, route, before?.tag);
      const where = { caller: callers[caller].label, route: routes[route].path(), headers: routes[route].headers };
      stats.checks += 1;
      if (before && before.body !== want.body) stats.answerChanged += 1;
      if (before && before.body === want.body) stats.answerSame += 1;
      if (route >= FIXED_ROUTES.length) {
        stats.filteredChecks += 1;
        if (want.status !== 200) stats.filteredErrors += 1;
        if (before && before.body === want.body) stats.filteredAnswerSame += 1;
        else stats.filteredAnswers.add(want.body);
      }
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
      if (before && before.body === want.body) {
        stats.tagChangedAnswerSame += 1;
        if (route >= FIXED_ROUTES.length) stats.filteredTagChangedAnswerSame += 1;
      }
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
  // The oracle: Nest alone (no lane), nothing kept.
  reference = await startAppOnDatabase(cached.config.databaseUrl, { answerCacheMb: 0, revalidationLane: false });
  world = await buildWorld(cached);
  const keyGroup = await createGroup(cached, admin(), 'keys', [world.people[2].id]);
  const teamKey = await createApiKey(cached, person(2), { group_id: keyGroup });
  const listKey = await createApiKey(cached, person(1), { models: [] });
  allowListKeyId = listKey.id;
  const plainKey = await createApiKey(cached, person(3));
  callers = [
    ...world.people.map((p) => ({ label: `${p.name} token`, headers: bearer(p.actor.token) })),
    { label: `${world.people[2].name} key with token group`, headers: { 'x-api-key': teamKey.key } },
    { label: `${world.people[1].name} key with allow-list`, headers: { 'x-api-key': listKey.key } },
    { label: `${world.people[3].name} full key`, headers: { 'x-api-key': plainKey.key } },
  ];
});
afterAll(async () => {
  await reference?.close();
  await other?.close();
  await cached?.close();
});

it('never answers a stale 304 or a stale cached answer, and gives every changed answer a new tag', async () => {
  const scenario = fc.tuple(
    fc.array(modelPlan, { minLength: SLOTS - 2, maxLength: SLOTS + 10 }),
    fc.array(content, { minLength: SLOTS - 2, maxLength: SLOTS - 2 }),
    fc.array(filteredRoute, { minLength: 4, maxLength: 4 }),
    fc.array(change, { minLength: 4, maxLength: 8 }),
  );
  let runs = 0;
  const deadline = Date.now() + RUN_BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(scenario, async ([plans, contents, filtered, changes]) => {
      if (Date.now() > deadline) return;
      runs += 1;
      routes = [...FIXED_ROUTES, ...filtered.map(toRoute)];
      await reset(plans, contents);
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
  // The 304s and kept answers of both instances went out ahead of Express (src/early-answers.setup.ts).
  for (const app of [cached, other]) expect(RevalidationLane.of(app.app)!.answeredEarly).toBeGreaterThan(0);
  const { filteredAnswers, ...counts } = stats;
  console.info(
    `revalidation property: ${JSON.stringify({ ...counts, distinctFilteredAnswers: filteredAnswers.size })}`,
  );
});
