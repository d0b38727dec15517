import fc from 'fast-check';
import request from 'supertest';
import { bearer } from './support/actors';
import { expectedList, type ListQuery, type OracleModel } from './support/oracle';
import { listAll, publicGrant, setGrants, setModelTimes } from './support/model-fixtures';
import { buildWorld, grantsOf, modelPlan, seed, TAGS, type ModelPlan, type World } from './support/random-world';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The access rule reads principals kept on each model row by triggers (migration ModelReaders):
 * after grants are replaced and people join and leave groups, every list must still be exactly
 * the oracle's, its total included (the unfiltered total is counted from the grants index).
 */
const RUNS = Math.max(3, Math.round(Number(process.env.LIST_PROPERTY_RUNS ?? 18) / 2));
const TIMEOUT_MS = 180_000;
/** As in list-property: runs that start after this pass without doing anything. */
const RUN_BUDGET_MS = TIMEOUT_MS - 40_000;
jest.setTimeout(TIMEOUT_MS);

let t: TestApp;
let world: World;

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

const listQuery: fc.Arbitrary<ListQuery & { caller: number }> = fc
  .record({
    caller: fc.integer({ min: 0, max: 4 }),
    view_option: fc.constantFrom(undefined, 'created' as const, 'shared' as const),
    tag: fc.constantFrom(undefined, undefined, ...TAGS),
  })
  .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as typeof q);

/** Applies a change through the API and to the oracle's models and people. */
async function apply(models: OracleModel[], plans: ModelPlan[], c: Change): Promise<void> {
  const admin = world.people[0].actor;
  if (c.kind === 'grants') {
    const i = c.model % models.length;
    const grants = grantsOf(world, { ...plans[i], grants: c.grants });
    const all = c.isPublic ? [...grants, publicGrant()] : grants;
    await setGrants(t, admin, models[i].id, all);
    // Changing grants is an update of the model: put its time back where the oracle has it.
    await setModelTimes(t, [{ id: models[i].id, createdAt: models[i].createdAt, updatedAt: models[i].updatedAt }]);
    models[i] = { ...models[i], grants: all };
    return;
  }
  const group = world.groupIds[c.group];
  const person = world.people[c.user];
  const res = c.add
    ? await request(t.server)
        .post(`/api/groups/${group}/members`)
        .set(bearer(admin.token))
        .send({ user_ids: [person.id] })
    : await request(t.server).delete(`/api/groups/${group}/members/${person.id}`).set(bearer(admin.token));
  if (res.status >= 300 && res.status !== 404) throw new Error(`membership: ${res.status} ${JSON.stringify(res.body)}`);
  person.groups = c.add ? [...new Set([...person.groups, group])] : person.groups.filter((g) => g !== group);
  const members = new Set(world.groupMembers[c.group]);
  if (c.add) members.add(c.user);
  else members.delete(c.user);
  world.groupMembers[c.group] = [...members];
}

async function checkList(models: OracleModel[], { caller, ...q }: ListQuery & { caller: number }): Promise<void> {
  const want = expectedList(world.people[caller], models, q);
  const walked = await listAll(t, world.people[caller].actor, q, Math.ceil(want.length / 30) + 2);
  expect({ caller, q, ids: walked.ids }).toEqual({ caller, q, ids: want });
  expect(new Set(walked.totals)).toEqual(new Set([want.length]));
}

/**
 * Grants whose count columns (migration GroupsBefore) differ from what their model's grants say,
 * recomputed here from access_grants alone: private_custom, and groups_before, the model's group
 * principals that sort byte-wise before the grant's own ('*' < 'g:…' < 'u:…').
 */
async function staleGrantColumns(): Promise<number> {
  const [row] = await t.dataSource.query(`
    SELECT count(*)::int AS n FROM access_grants g JOIN models m ON m.id = g.model_id
     WHERE g.private_custom IS DISTINCT FROM (m.base_model_id IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM access_grants p WHERE p.model_id = g.model_id AND p.principal_type = 'user' AND p.principal_id = '*'))
        OR g.groups_before IS DISTINCT FROM ARRAY(
             SELECT o.principal_id::uuid FROM access_grants o
              WHERE o.model_id = g.model_id AND o.principal_type = 'group'
                AND ('g:' || o.principal_id) COLLATE "C" < (CASE WHEN g.principal_id = '*' THEN '*'
                      ELSE left(g.principal_type, 1) || ':' || g.principal_id END) COLLATE "C"
              ORDER BY ('g:' || o.principal_id) COLLATE "C")`);
  return (row as { n: number }).n;
}

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
});
afterAll(() => t?.close());

it('lists exactly the oracle’s models while grants are replaced and people join and leave groups', async () => {
  const scenario = fc.tuple(
    fc.array(modelPlan, { minLength: 20, maxLength: 40 }),
    fc.array(change, { minLength: 2, maxLength: 6 }),
    fc.array(listQuery, { minLength: 3, maxLength: 3 }),
  );
  let runs = 0;
  const deadline = Date.now() + RUN_BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(scenario, async ([plans, changes, queries]) => {
      if (Date.now() > deadline) return;
      runs += 1;
      const models = await seed(world, plans);
      for (const [i, c] of changes.entries()) {
        await apply(models, plans, c);
        await checkList(models, queries[i % queries.length]);
      }
      for (const q of queries) await checkList(models, q);
      expect(await staleGrantColumns()).toBe(0);
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(3);
});
