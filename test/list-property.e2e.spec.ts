import fc from 'fast-check';
import request from 'supertest';
import { bearer, createGroup, createUser, signUp, type Actor } from './support/actors';
import { expectedList, type ListQuery, type OracleModel, type OraclePerson } from './support/oracle';
import {
  createBaseModel,
  groupGrant,
  listAll,
  modelApi,
  publicGrant,
  setGrants,
  setModelTimes,
  userGrant,
  type Grant,
} from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const RUNS = Number(process.env.LIST_PROPERTY_RUNS ?? 18);
const PAGE = 30;
const BASES = ['acme/base-one', 'other/Base_Two'];
const TAGS = ['Alpha', 'alpha ', 'BETA', 'gamma', 'Δέλτα', '50%_off'];
/** Letters that fold, LIKE metacharacters, multi-byte and astral characters, spaces. */
const ALPHABET = ['a', 'A', 'b', 'B', 'é', 'É', 'ß', 'İ', '%', '_', '\\', ' ', '-', '1', '😀', 'z'];

const TIMEOUT_MS = 180_000;
/**
 * Runs that start after this pass without doing anything: on a slow machine fewer runs rather than
 * a jest timeout, after which the property would go on seeding into an app afterAll has closed (and
 * keep the worker from exiting). fast-check's own interruptAfterTimeLimit does not wait for the run
 * in flight, so it would leak the same way.
 */
const RUN_BUDGET_MS = TIMEOUT_MS - 40_000;
jest.setTimeout(TIMEOUT_MS);

let t: TestApp;
let people: Array<OraclePerson & { actor: Actor }>;
let groupIds: string[];

const text = (min: number, max: number) =>
  fc.array(fc.constantFrom(...ALPHABET), { minLength: min, maxLength: max }).map((chars) => chars.join(''));
const slug = fc
  .array(fc.constantFrom('a', 'B', '0', '.', ':', '-', '_', '/'), { minLength: 1, maxLength: 6 })
  .map((c) => c.join(''));

interface ModelPlan {
  owner: number;
  name: string;
  slug: string;
  description: string | null;
  tags: string[];
  grants: Array<{ principal: number; write: boolean }>;
  isPublic: boolean;
  base: string;
  created: number;
  updated: number;
}

const modelPlan: fc.Arbitrary<ModelPlan> = fc.record({
  owner: fc.integer({ min: 0, max: 4 }),
  name: text(1, 10),
  slug,
  description: fc.option(text(0, 12), { nil: null }),
  tags: fc.subarray(TAGS),
  // Principals 0-4 are the people, 5-7 the groups.
  grants: fc.uniqueArray(fc.record({ principal: fc.integer({ min: 0, max: 7 }), write: fc.boolean() }), {
    maxLength: 3,
    selector: (g) => g.principal,
  }),
  isPublic: fc.boolean(),
  base: fc.constantFrom(...BASES),
  created: fc.integer({ min: 0, max: 4 }),
  updated: fc.integer({ min: 0, max: 4 }),
});

/** `arb` one time in `1 + absent`, else left out: filters are rarer, so lists often span pages. */
const maybe = <T>(arb: fc.Arbitrary<T>, absent = 1) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: absent }, { arbitrary: arb, weight: 1 });

/** Parameters of one list call; the query is often a piece of a stored name, so it finds something. */
function listQuery(plans: ModelPlan[]): fc.Arbitrary<ListQuery & { caller: number }> {
  const piece = fc
    .tuple(fc.integer({ min: 0, max: plans.length - 1 }), fc.nat(10), fc.integer({ min: 1, max: 4 }))
    .map(([i, start, length]) => {
      const chars = Array.from(plans[i].name); // code points: never half of an emoji
      return chars
        .slice(start % chars.length)
        .slice(0, length)
        .join('');
    });
  const query = fc.record({
    caller: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 })),
    query: maybe(fc.oneof(piece, text(1, 3), fc.constantFrom('%', '_', '\\', 'example.test', '/')), 2),
    view_option: maybe(fc.constantFrom('created' as const, 'shared' as const), 3),
    tag: maybe(fc.constantFrom(...TAGS, 'ALPHA', 'missing'), 3),
    order_by: maybe(fc.constantFrom('name' as const, 'created_at' as const, 'updated_at' as const)),
    direction: maybe(fc.constantFrom('asc' as const, 'desc' as const)),
  });
  // Absent parameters are left out of the request, not sent empty.
  return query.map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as typeof q);
}

function grantsOf(plan: ModelPlan): Grant[] {
  return plan.grants.map(({ principal, write }) => {
    const permission = write ? 'write' : 'read';
    return principal < 5
      ? userGrant(people[principal].id, permission)
      : groupGrant(groupIds[principal - 5], permission);
  });
}

/** Replaces every custom model with the planned ones, created through the API; returns what the oracle needs. */
async function seed(plans: ModelPlan[]): Promise<OracleModel[]> {
  await t.dataSource.query('DELETE FROM models WHERE base_model_id IS NOT NULL');
  const models = plans.map((plan, i) => ({ plan, id: `${plan.slug}:${i}`, grants: grantsOf(plan) }));
  for (const [owner, person] of people.entries()) {
    const own = models.filter((m) => m.plan.owner === owner);
    const items = own.map(({ plan, id, grants }) => ({
      id,
      name: plan.name,
      base_model_id: plan.base,
      meta: { description: plan.description, tags: plan.tags },
      access_grants: grants,
    }));
    const res = await modelApi(t, person.actor).importModels(items);
    const failed = (res.body.results as Array<{ status: string }>).filter((r) => r.status !== 'created');
    if (res.status !== 200 || failed.length > 0) throw new Error(`seeding: ${JSON.stringify(res.body)}`);
  }
  for (const m of models.filter((model) => model.plan.isPublic)) {
    await setGrants(t, people[0].actor, m.id, [...m.grants, publicGrant()]);
  }
  const stamp = (n: number) => 1_700_000_000 + n;
  await setModelTimes(
    t,
    models.map(({ plan, id }) => ({ id, createdAt: stamp(plan.created), updatedAt: stamp(plan.updated) })),
  );
  return models.map(({ plan, id, grants }) => ({
    id,
    name: plan.name,
    baseModelId: plan.base,
    description: plan.description,
    tags: plan.tags,
    owner: people[plan.owner],
    grants: plan.isPublic ? [...grants, publicGrant()] : grants,
    createdAt: stamp(plan.created),
    updatedAt: stamp(plan.updated),
  }));
}

/** Walks every page and checks it against the oracle: same ids, same order, no duplicates, right totals. */
async function checkList(models: OracleModel[], { caller, ...q }: ListQuery & { caller: number }): Promise<void> {
  const want = expectedList(people[caller], models, q);
  const walked = await listAll(t, people[caller].actor, q, Math.ceil(want.length / PAGE) + 2);
  const pageSizes = Array.from({ length: Math.max(1, Math.ceil(want.length / PAGE)) }, (_, i) =>
    Math.min(PAGE, want.length - i * PAGE),
  );
  expect({ caller: people[caller].name, q, ids: walked.ids, pageSizes: walked.pageSizes }).toEqual({
    caller: people[caller].name,
    q,
    ids: want,
    pageSizes,
  });
  expect(new Set(walked.ids).size).toBe(walked.ids.length);
  expect(new Set(walked.totals)).toEqual(new Set([want.length]));
}

beforeAll(async () => {
  t = await startTestApp();
  const admin = await signUp(t, 'Ädmin Root');
  const specs = [
    { name: 'Zoë_%', username: 'zoe' },
    { name: 'bob \\ builder', username: 'B.o.b' },
    { name: 'İlkay Émile', username: undefined },
    { name: '😀 smiley', username: 'smiley-1' },
  ];
  const users: Actor[] = [];
  for (const spec of specs) users.push(await createUser(t, admin, spec));
  groupIds = [
    await createGroup(t, admin, 'g one', [users[0].id, users[1].id]),
    await createGroup(t, admin, 'g two', [users[1].id, users[2].id]),
    await createGroup(t, admin, 'g three', [users[3].id]),
  ];
  const groupsOf = (id: string) =>
    [[0, 1], [1, 2], [3]].flatMap((m, g) => (m.some((u) => users[u].id === id) ? [groupIds[g]] : []));
  people = [admin, ...users].map((actor, i) => ({
    actor,
    id: actor.id,
    name: actor.name,
    email: actor.email.toLowerCase(),
    username: i === 0 ? null : (specs[i - 1].username ?? null),
    role: i === 0 ? 'admin' : 'user',
    groups: groupsOf(actor.id),
  }));
  for (const id of BASES) await createBaseModel(t, admin, { id });
});
afterAll(() => t?.close());

it('yields exactly the oracle’s models across all pages, in order, without duplicates, for random data and callers', async () => {
  const scenario = fc
    .array(modelPlan, { minLength: 36, maxLength: 70 })
    .chain((plans) => fc.tuple(fc.constant(plans), fc.array(listQuery(plans), { minLength: 4, maxLength: 4 })));
  let runs = 0;
  const deadline = Date.now() + RUN_BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(scenario, async ([plans, queries]) => {
      if (Date.now() > deadline) return;
      runs += 1;
      const models = await seed(plans);
      for (const q of queries) await checkList(models, q);
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(Math.min(RUNS, 3));
});

/** A change after seeding: a model's grants replaced, or someone joining or leaving a group. */
type Change =
  | { kind: 'grants'; model: number; grants: ModelPlan['grants']; isPublic: boolean }
  | { kind: 'member'; group: number; user: number; add: boolean };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('grants' as const),
    model: fc.nat(),
    grants: modelPlan.map((plan) => plan.grants),
    isPublic: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('member' as const),
    group: fc.integer({ min: 0, max: 2 }),
    user: fc.integer({ min: 1, max: 4 }),
    add: fc.boolean(),
  }),
);

/** Applies a change through the API and to the oracle's models and people. */
async function apply(models: OracleModel[], plans: ModelPlan[], c: Change): Promise<void> {
  const admin = people[0].actor;
  if (c.kind === 'grants') {
    const i = c.model % models.length;
    const grants = grantsOf({ ...plans[i], grants: c.grants });
    const all = c.isPublic ? [...grants, publicGrant()] : grants;
    await setGrants(t, admin, models[i].id, all);
    // Changing grants is an update of the model: put its time back where the oracle has it.
    await setModelTimes(t, [{ id: models[i].id, createdAt: models[i].createdAt, updatedAt: models[i].updatedAt }]);
    models[i] = { ...models[i], grants: all };
    return;
  }
  const group = groupIds[c.group];
  const person = people[c.user];
  const res = c.add
    ? await request(t.server)
        .post(`/api/groups/${group}/members`)
        .set(bearer(admin.token))
        .send({ user_ids: [person.id] })
    : await request(t.server).delete(`/api/groups/${group}/members/${person.id}`).set(bearer(admin.token));
  if (res.status >= 300 && res.status !== 404) throw new Error(`membership: ${res.status} ${JSON.stringify(res.body)}`);
  person.groups = c.add ? [...new Set([...person.groups, group])] : person.groups.filter((g) => g !== group);
}

it('stays exact while grants are replaced and people join and leave groups (kept on the model rows by triggers)', async () => {
  const scenario = fc
    .array(modelPlan, { minLength: 20, maxLength: 40 })
    .chain((plans) =>
      fc.tuple(
        fc.constant(plans),
        fc.array(change, { minLength: 2, maxLength: 6 }),
        fc.array(listQuery(plans), { minLength: 3, maxLength: 3 }),
      ),
    );
  let runs = 0;
  const deadline = Date.now() + RUN_BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(scenario, async ([plans, changes, queries]) => {
      if (Date.now() > deadline) return;
      runs += 1;
      const models = await seed(plans);
      for (const c of changes) {
        await apply(models, plans, c);
        await checkList(models, queries[runs % queries.length]);
      }
      for (const q of queries) await checkList(models, q);
    }),
    { numRuns: Math.max(3, Math.round(RUNS / 2)), endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(3);
});
