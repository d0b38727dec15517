import fc from 'fast-check';
import { createGroup, createUser, signUp, type Actor } from './actors';
import {
  createBaseModel,
  groupGrant,
  modelApi,
  publicGrant,
  setGrants,
  setModelTimes,
  userGrant,
  type Grant,
} from './model-fixtures';
import type { OracleModel, OraclePerson } from './oracle';
import type { TestApp } from './test-app';

/**
 * Random worlds of custom models, owners and grants over five people (one admin) and three groups,
 * seeded through the API. Shared by the property tests (the list, and the access explanation) so
 * each is checked against test/support/oracle.ts on the same kinds of data.
 */

export const BASES = ['acme/base-one', 'other/Base_Two'];
export const TAGS = ['Alpha', 'alpha ', 'BETA', 'gamma', 'Δέλτα', '50%_off'];
/** Letters that fold, LIKE metacharacters, multi-byte and astral characters, spaces. */
const ALPHABET = ['a', 'A', 'b', 'B', 'é', 'É', 'ß', 'İ', '%', '_', '\\', ' ', '-', '1', '😀', 'z'];

export type Person = OraclePerson & { actor: Actor };

export interface World {
  t: TestApp;
  /** people[0] is the admin. */
  people: Person[];
  groupIds: string[];
  /** Which people (by index) belong to each group. */
  groupMembers: number[][];
}

export const text = (min: number, max: number) =>
  fc.array(fc.constantFrom(...ALPHABET), { minLength: min, maxLength: max }).map((chars) => chars.join(''));
const slug = fc
  .array(fc.constantFrom('a', 'B', '0', '.', ':', '-', '_', '/'), { minLength: 1, maxLength: 6 })
  .map((c) => c.join(''));

export interface ModelPlan {
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

export const modelPlan: fc.Arbitrary<ModelPlan> = fc.record({
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

/** The people, groups and base models every world shares: an admin, four users (awkward names), three groups. */
export async function buildWorld(t: TestApp): Promise<World> {
  const admin = await signUp(t, 'Ädmin Root');
  const specs = [
    { name: 'Zoë_%', username: 'zoe' },
    { name: 'bob \\ builder', username: 'B.o.b' },
    { name: 'İlkay Émile', username: undefined },
    { name: '😀 smiley', username: 'smiley-1' },
  ];
  const users: Actor[] = [];
  for (const spec of specs) users.push(await createUser(t, admin, spec));
  const groupMembers = [[1, 2], [2, 3], [4]];
  const groupIds = [
    await createGroup(t, admin, 'g one', [users[0].id, users[1].id]),
    await createGroup(t, admin, 'g two', [users[1].id, users[2].id]),
    await createGroup(t, admin, 'g three', [users[3].id]),
  ];
  const people: Person[] = [admin, ...users].map((actor, i) => ({
    actor,
    id: actor.id,
    name: actor.name,
    email: actor.email.toLowerCase(),
    username: i === 0 ? null : (specs[i - 1].username ?? null),
    role: i === 0 ? 'admin' : 'user',
    groups: groupMembers.flatMap((members, g) => (members.includes(i) ? [groupIds[g]] : [])),
  }));
  for (const id of BASES) await createBaseModel(t, admin, { id });
  return { t, people, groupIds, groupMembers };
}

export function grantsOf(world: World, plan: ModelPlan): Grant[] {
  return plan.grants.map(({ principal, write }) => {
    const permission = write ? 'write' : 'read';
    return principal < 5
      ? userGrant(world.people[principal].id, permission)
      : groupGrant(world.groupIds[principal - 5], permission);
  });
}

/** Replaces every custom model with the planned ones, created through the API; returns what the oracle needs. */
export async function seed(world: World, plans: ModelPlan[]): Promise<OracleModel[]> {
  const { t, people } = world;
  await t.dataSource.query('DELETE FROM models WHERE base_model_id IS NOT NULL');
  const models = plans.map((plan, i) => ({ plan, id: `${plan.slug}:${i}`, grants: grantsOf(world, plan) }));
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
