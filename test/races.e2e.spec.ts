import request from 'supertest';
import { bearer, createGroup, createUser, DEFAULT_PASSWORD, signUp, type Actor } from './support/actors';
import {
  createBaseModel,
  createCustomModel,
  groupGrant,
  modelApi,
  storedGrantsOf,
  publicGrant,
  sortGrants,
  userGrant,
  type Grant,
} from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const N = 20;

let t: TestApp;
let admin: Actor;
let owner: Actor;
let others: Actor[];
let groupIds: string[];

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Race Admin');
  owner = await createUser(t, admin, { name: 'Race Owner' });
  others = [];
  for (let i = 0; i < 4; i += 1) others.push(await createUser(t, admin, { name: `Other ${i}` }));
  groupIds = [await createGroup(t, admin, 'race a', [others[0].id]), await createGroup(t, admin, 'race b', [])];
  await createBaseModel(t, admin, { id: 'acme/base' });
});
afterAll(() => t?.close());

const count = <T>(values: T[], value: T) => values.filter((v) => v === value).length;

async function storedGrants(id: string): Promise<Grant[]> {
  const rows: Grant[] = await t.dataSource.query(
    'SELECT principal_type, principal_id, permission FROM access_grants WHERE model_id = $1',
    [id],
  );
  return sortGrants(rows);
}

describe('concurrent requests over HTTP', () => {
  it('creates one model from 20 concurrent creates of one id: one 201, nineteen 409, one row', async () => {
    const bodies = others
      .concat(owner, admin)
      .flatMap((actor, i) =>
        Array.from({ length: N / 6 + 1 }, (_, j) => ({ actor, grants: [userGrant(others[(i + j) % 4].id)] })),
      );
    const results = await Promise.all(
      bodies
        .slice(0, N)
        .map(({ actor, grants }) =>
          modelApi(t, actor).create({ id: 'race/one', name: 'n', base_model_id: 'acme/base', access_grants: grants }),
        ),
    );
    const statuses = results.map((r) => r.status);
    expect({ created: count(statuses, 201), conflicts: count(statuses, 409) }).toEqual({
      created: 1,
      conflicts: N - 1,
    });
    const winner = bodies[statuses.indexOf(201)];
    const rows = await t.dataSource.query(`SELECT user_id FROM models WHERE id = 'race/one'`);
    expect(rows).toEqual([{ user_id: winner.actor.id }]);
    expect(await storedGrants('race/one')).toEqual(sortGrants(winner.grants));
  });

  it('leaves exactly one submitted grant set after concurrent access updates, never a mix', async () => {
    await createCustomModel(t, owner, { id: 'race/grants', base_model_id: 'acme/base' });
    const sets: Grant[][] = Array.from({ length: N }, (_, i) => [
      userGrant(others[i % 4].id, i % 2 ? 'write' : 'read'),
      userGrant(others[(i + 1) % 4].id),
      groupGrant(groupIds[i % 2], 'write'),
      ...(i % 3 === 0 ? [publicGrant()] : []),
      ...Array.from({ length: i % 5 }, () => userGrant(others[(i + 2) % 4].id, 'write')),
    ]);
    const results = await Promise.all(sets.map((grants) => modelApi(t, admin).setAccess('race/grants', grants)));
    expect(results.map((r) => r.status)).toEqual(sets.map(() => 200));
    const final = await storedGrants('race/grants');
    const submitted = sets.map((set) => JSON.stringify(storedGrantsOf(set)));
    expect(submitted).toContain(JSON.stringify(final));
    const [{ is_public }] = await t.dataSource.query(`SELECT is_public FROM models WHERE id = 'race/grants'`);
    expect(is_public).toBe(final.some((g) => g.principal_id === '*'));
  });

  it('flips is_active once per successful toggle under 20 concurrent toggles', async () => {
    await createCustomModel(t, owner, { id: 'race/toggle', base_model_id: 'acme/base', is_active: true });
    const results = await Promise.all(Array.from({ length: N + 1 }, () => modelApi(t, owner).toggle('race/toggle')));
    const ok = count(
      results.map((r) => r.status),
      200,
    );
    const [{ is_active }] = await t.dataSource.query(`SELECT is_active FROM models WHERE id = 'race/toggle'`);
    expect({ ok, is_active }).toEqual({ ok: N + 1, is_active: true !== (ok % 2 === 1) });
  });

  it('ends concurrent update and delete of one model deleted or updated, never half of either', async () => {
    for (let round = 0; round < 5; round += 1) {
      const id = `race/doomed-${round}`;
      await createCustomModel(t, owner, { id, base_model_id: 'acme/base', access_grants: [userGrant(others[0].id)] });
      const grants = [userGrant(others[1].id), userGrant(others[2].id, 'write')];
      const [update, remove] = await Promise.all([
        modelApi(t, owner).update({ id, name: 'updated', access_grants: grants }),
        modelApi(t, owner).remove(id),
      ]);
      expect([200, 404]).toContain(update.status);
      expect(remove.status).toBe(200);
      expect(await t.dataSource.query('SELECT id FROM models WHERE id = $1', [id])).toEqual([]);
      expect(await storedGrants(id)).toEqual([]);
    }
  });

  it('applies an update racing a delete it wins completely (both answers consistent with the end state)', async () => {
    for (let round = 0; round < 5; round += 1) {
      const id = `race/survivor-${round}`;
      await createCustomModel(t, owner, { id, base_model_id: 'acme/base' });
      // A stranger's delete is refused (404), so only the update can take effect.
      const [update, remove] = await Promise.all([
        modelApi(t, owner).update({ id, name: 'updated', access_grants: [userGrant(others[1].id)] }),
        modelApi(t, others[3]).remove(id),
      ]);
      expect([update.status, remove.status]).toEqual([200, 404]);
      const rows = await t.dataSource.query('SELECT name FROM models WHERE id = $1', [id]);
      expect(rows).toEqual([{ name: 'updated' }]);
      expect(await storedGrants(id)).toEqual([userGrant(others[1].id)]);
    }
  });

  it('makes one account from concurrent sign-ups of one email, in any letter case', async () => {
    const emails = Array.from({ length: N }, (_, i) => (i % 2 ? 'racer@example.test' : 'RACER@Example.test'));
    const results = await Promise.all(
      emails.map((email, i) =>
        request(t.server)
          .post('/api/auths/signup')
          .send({ name: `Racer ${i}`, email, password: DEFAULT_PASSWORD }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect({ ok: count(statuses, 200), conflicts: count(statuses, 409) }).toEqual({ ok: 1, conflicts: N - 1 });
    const rows = await t.dataSource.query(`SELECT email FROM users WHERE lower(email) = 'racer@example.test'`);
    expect(rows).toEqual([{ email: 'racer@example.test' }]);
  });

  it('makes one group from concurrent creates of one name', async () => {
    const results = await Promise.all(
      Array.from({ length: N }, () =>
        request(t.server).post('/api/groups').set(bearer(admin.token)).send({ name: 'dup' }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect({ created: count(statuses, 201), conflicts: count(statuses, 409) }).toEqual({
      created: 1,
      conflicts: N - 1,
    });
  });

  it('imports one id from concurrent imports once, the others update or skip it, never a 500', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        modelApi(t, owner).importModels([{ id: 'race/imported', name: `n${i}`, base_model_id: 'acme/base' }]),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const statuses = results.map((r) => (r.body.results as Array<{ status: string }>)[0].status);
    expect(count(statuses, 'created')).toBe(1);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM models WHERE id = 'race/imported'`)).toEqual([
      { n: 1 },
    ]);
  });
});
