import fc from 'fast-check';
import request from 'supertest';
import { bearer, createApiKey } from './support/actors';
import {
  canRead,
  canWrite,
  explainReasons,
  keyAllows,
  type KeyScope,
  type OracleModel,
  type OracleReason,
} from './support/oracle';
import { buildWorld, modelPlan, seed, type Person, type World } from './support/random-world';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * GET /api/models/model/access/explain agrees with the access rule: over random worlds (the list
 * property test's generator) its verdict and every reason match test/support/oracle.ts, for every
 * person with and without each kind of API key, asked by an admin or by the model's owner.
 */
const RUNS = Number(process.env.EXPLAIN_PROPERTY_RUNS ?? 10);
const TIMEOUT_MS = 180_000;
/** As in list-property: runs that start after this pass without doing anything, never a jest timeout. */
const RUN_BUDGET_MS = TIMEOUT_MS - 40_000;
jest.setTimeout(TIMEOUT_MS);

type KeyKind = 'none' | 'readOnly' | 'group' | 'allowList';
interface Key extends KeyScope {
  id: string;
  readOnly: boolean;
}

let t: TestApp;
let world: World;
/** Keys made once per person: a read-only key and one key per group the person is in. */
const fixedKeys = new Map<string, Key[]>();

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
  for (const person of world.people) {
    const keys: Key[] = [{ id: (await createApiKey(t, person.actor, { read_only: true })).id, readOnly: true }];
    for (const groupId of person.groups) {
      keys.push({ id: (await createApiKey(t, person.actor, { group_id: groupId })).id, groupId, readOnly: true });
    }
    fixedKeys.set(person.id, keys);
  }
});
afterAll(() => t?.close());

interface Question {
  model: number;
  subject: number;
  key: KeyKind;
  /** Asked by the admin, or by the model's owner. */
  byOwner: boolean;
  /** Which of the subject's group keys, which models an allow-list names. */
  pick: number;
  allow: number[];
}

const question = (models: number): fc.Arbitrary<Question> =>
  fc.record({
    model: fc.nat(models - 1),
    subject: fc.nat(4),
    key: fc.constantFrom<KeyKind>('none', 'readOnly', 'group', 'allowList'),
    byOwner: fc.boolean(),
    pick: fc.nat(5),
    allow: fc.uniqueArray(fc.nat(models - 1), { maxLength: 4 }),
  });

async function keyFor(q: Question, subject: Person, models: OracleModel[]): Promise<Key | null> {
  const keys = fixedKeys.get(subject.id)!;
  if (q.key === 'readOnly') return keys[0];
  if (q.key === 'group') return keys.length > 1 ? keys[1 + (q.pick % (keys.length - 1))] : null;
  if (q.key === 'allowList') {
    const ids = q.allow.map((i) => models[i].id);
    return { id: (await createApiKey(t, subject.actor, { models: ids })).id, models: ids, readOnly: true };
  }
  return null;
}

const order = (reasons: OracleReason[]) => reasons.map((r) => `${r.rule}/${r.permission}/${r.group?.id ?? ''}`).sort();

async function check(models: OracleModel[], q: Question): Promise<void> {
  const model = models[q.model];
  const subject = world.people[q.subject];
  const asker = q.byOwner ? model.owner! : world.people[0];
  const key = await keyFor(q, subject, models);
  const res = await request(t.server)
    .get('/api/models/model/access/explain')
    .query({ id: model.id, user_id: subject.id, ...(key ? { key_id: key.id } : {}) })
    .set(bearer((asker as Person).actor.token));
  const want = {
    can_read: canRead(subject, model) && (key === null || keyAllows(key, model)),
    can_write: canWrite(subject, model) && !key?.readOnly,
    because: order(explainReasons(subject, model, key)),
  };
  const got = { ...res.body, because: order(res.body.because ?? []) };
  expect({ model: model.id, subject: subject.name, key: q.key, status: res.status, ...got }).toEqual({
    model: model.id,
    subject: subject.name,
    key: q.key,
    status: 200,
    ...want,
  });
  // The reasons alone decide the verdict: something grants, and no key rule takes it away.
  const reasons = res.body.because as OracleReason[];
  const granting = reasons.filter((r) => !r.rule.startsWith('key_'));
  const narrowedOut = reasons.some((r) => r.rule === 'key_narrowing' && r.permission === 'none');
  expect(res.body.can_read).toBe(granting.length > 0 && !narrowedOut);
  const readOnly = reasons.some((r) => r.rule === 'key_read_only');
  expect(res.body.can_write).toBe(granting.some((r) => r.permission === 'write') && !narrowedOut && !readOnly);
}

it('answers what the oracle says, verdict and reasons, for random worlds, people and keys', async () => {
  const scenario = fc
    .array(modelPlan, { minLength: 12, maxLength: 40 })
    .chain((plans) => fc.tuple(fc.constant(plans), fc.array(question(plans.length), { minLength: 25, maxLength: 25 })));
  let runs = 0;
  const deadline = Date.now() + RUN_BUDGET_MS;
  await fc.assert(
    fc.asyncProperty(scenario, async ([plans, questions]) => {
      if (Date.now() > deadline) return;
      runs += 1;
      const models = await seed(world, plans);
      for (const q of questions) await check(models, q);
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(Math.min(RUNS, 3));
});
