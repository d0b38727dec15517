import fc from 'fast-check';
import { expectedList, type ListQuery, type OracleModel } from './support/oracle';
import { listAll } from './support/model-fixtures';
import { buildWorld, modelPlan, seed, TAGS, text, type ModelPlan, type World } from './support/random-world';
import { startTestApp, type TestApp } from './support/test-app';

const RUNS = Number(process.env.LIST_PROPERTY_RUNS ?? 18);
const PAGE = 30;

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
let world: World;

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

/**
 * A list whose count is split into public and private matches (splitFilteredCountSql): a user
 * (not the bypassing admin), no view, a tag or a query or both. One in every run, so the split
 * count is always checked against the oracle's total, and in created_at order (no order_by, or
 * that one) its pages, chosen from the same parts (splitPageIdsSql), against the oracle's pages.
 */
function splitCountQuery(plans: ModelPlan[]): fc.Arbitrary<ListQuery & { caller: number }> {
  return fc
    .tuple(listQuery(plans), fc.integer({ min: 1, max: 4 }), fc.constantFrom(...TAGS, 'ALPHA'))
    .map(([{ view_option: _view, ...q }, caller, tag]) => ({
      ...q,
      caller,
      ...(q.tag === undefined && q.query === undefined ? { tag } : {}),
    }));
}

/** Walks every page and checks it against the oracle: same ids, same order, no duplicates, right totals. */
async function checkList(models: OracleModel[], { caller, ...q }: ListQuery & { caller: number }): Promise<void> {
  const want = expectedList(world.people[caller], models, q);
  const walked = await listAll(t, world.people[caller].actor, q, Math.ceil(want.length / PAGE) + 2);
  const pageSizes = Array.from({ length: Math.max(1, Math.ceil(want.length / PAGE)) }, (_, i) =>
    Math.min(PAGE, want.length - i * PAGE),
  );
  expect({ caller: world.people[caller].name, q, ids: walked.ids, pageSizes: walked.pageSizes }).toEqual({
    caller: world.people[caller].name,
    q,
    ids: want,
    pageSizes,
  });
  expect(new Set(walked.ids).size).toBe(walked.ids.length);
  expect(new Set(walked.totals)).toEqual(new Set([want.length]));
}

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
});
afterAll(() => t?.close());

it('yields exactly the oracle’s models across all pages, in order, without duplicates, for random data and callers', async () => {
  const scenario = fc.array(modelPlan, { minLength: 36, maxLength: 70 }).chain((plans) =>
    fc.tuple(
      fc.constant(plans),
      fc
        .tuple(fc.array(listQuery(plans), { minLength: 4, maxLength: 4 }), splitCountQuery(plans))
        .map(([queries, split]) => [...queries, split]),
    ),
  );
  let runs = 0;
  const deadline = Date.now() + RUN_BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(scenario, async ([plans, queries]) => {
      if (Date.now() > deadline) return;
      runs += 1;
      const models = await seed(world, plans);
      for (const q of queries) await checkList(models, q);
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(Math.min(RUNS, 3));
});
