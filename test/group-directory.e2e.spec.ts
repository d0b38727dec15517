import request from 'supertest';
import { bearer, createGroup, createUser, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

interface GroupItem {
  id: string;
  name: string;
  user_ids?: string[];
  member_count: number;
}

describe('groups to share with: member_count, ?share=true and /info', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;
  let loner: Actor;
  let pending: Actor;
  let team: string;
  let other: string;
  let empty: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Admin');
    alice = await createUser(t, admin, { name: 'Alice' });
    bob = await createUser(t, admin, { name: 'Bob' });
    loner = await createUser(t, admin, { name: 'Loner' });
    pending = await signUp(t, 'Pending');
    team = await createGroup(t, admin, 'Team', [alice.id, bob.id]);
    other = await createGroup(t, admin, 'Other', [bob.id]);
    empty = await createGroup(t, admin, 'Empty', []);
  });
  afterAll(() => t.close());

  const get = (actor: Actor, path: string) => request(t.server).get(path).set(bearer(actor.token));
  const groups = async (actor: Actor, query = ''): Promise<GroupItem[]> =>
    (await get(actor, `/api/groups${query}`).expect(200)).body as GroupItem[];
  const countsInDatabase = async (): Promise<Record<string, number>> => {
    const rows: Array<{ id: string; n: number }> = await t.dataSource.query(
      'SELECT g.id::text, count(m.user_id)::int AS n FROM groups g LEFT JOIN group_members m ON m.group_id = g.id GROUP BY g.id',
    );
    return Object.fromEntries(rows.map((row) => [row.id, row.n]));
  };

  it('keeps member_count exact as members are added and removed, on every answer', async () => {
    const id = await createGroup(t, admin, 'Counted', [alice.id, bob.id]);
    const added = await request(t.server)
      .post(`/api/groups/${id}/members`)
      .set(bearer(admin.token))
      .send({ user_ids: [loner.id, alice.id] })
      .expect(200);
    expect(added.body).toMatchObject({ member_count: 3, user_ids: [alice.id, bob.id, loner.id].sort() });
    const removed = await request(t.server)
      .delete(`/api/groups/${id}/members/${bob.id}`)
      .set(bearer(admin.token))
      .expect(200);
    expect(removed.body.member_count).toBe(2);
    expect((await get(admin, `/api/groups/${id}`).expect(200)).body.member_count).toBe(2);
    expect((await get(alice, `/api/groups/${id}/info`).expect(200)).body.member_count).toBe(2);
    const counts = await countsInDatabase();
    for (const item of await groups(admin)) expect(item.member_count).toBe(counts[item.id]);
    await request(t.server).delete(`/api/groups/${id}`).set(bearer(admin.token)).expect(200);
  });

  it('shows an admin every group with its members', async () => {
    const items = await groups(admin);
    expect(items.find((g) => g.id === team)).toMatchObject({ member_count: 2, user_ids: [alice.id, bob.id].sort() });
    expect(items.find((g) => g.id === empty)).toMatchObject({ member_count: 0, user_ids: [] });
    expect(await groups(admin, '?share=true')).toEqual(items);
  });

  it('shows a user only its own groups without share (and with share=false), members included', async () => {
    const own = await groups(alice);
    expect(own).toEqual([{ ...own[0], id: team, user_ids: [alice.id, bob.id].sort(), member_count: 2 }]);
    expect(await groups(alice, '?share=false')).toEqual(own);
    expect(await groups(loner)).toEqual([]);
  });

  it('with share=true shows a user in no group every group, with counts and never user_ids', async () => {
    const items = await groups(loner, '?share=true');
    const counts = await countsInDatabase();
    expect(items.map((g) => g.id).sort()).toEqual(Object.keys(counts).sort());
    for (const item of items) {
      expect(item).not.toHaveProperty('user_ids');
      expect(item.member_count).toBe(counts[item.id]);
    }
  });

  it('with share=true shows a member the members of its own groups only', async () => {
    const items = await groups(alice, '?share=true');
    expect(items.find((g) => g.id === team)?.user_ids).toEqual([alice.id, bob.id].sort());
    expect(items.find((g) => g.id === other)).not.toHaveProperty('user_ids');
    expect(items.find((g) => g.id === empty)).not.toHaveProperty('user_ids');
  });

  it('answers Open WebUI’s call, GET /api/v1/groups/?share=true, with the trailing slash', async () => {
    const res = await get(loner, '/api/v1/groups/?share=true').expect(200);
    expect((res.body as GroupItem[]).map((g) => g.id).sort()).toEqual([team, other, empty].sort());
  });

  it.each(['yes', '1', 'TRUE'])('refuses share=%s with 400 naming share', async (value) => {
    const res = await get(alice, `/api/groups?share=${value}`).expect(400);
    expect(res.body.detail).toBe('share must be true or false');
  });

  it('refuses the group list to a pending account (403) and an anonymous caller (401), with or without share', async () => {
    await get(pending, '/api/groups?share=true').expect(403);
    await get(pending, '/api/groups').expect(403);
    await request(t.server).get('/api/groups?share=true').expect(401);
  });

  describe('GET /api/groups/:id/info', () => {
    it.each(['/api/groups/%s/info', '/api/v1/groups/id/%s/info', '/api/groups/id/%s/info', '/api/v1/groups/%s/info'])(
      'answers {id,name,description,member_count} to a non-member at %s',
      async (pattern) => {
        const res = await get(loner, pattern.replace('%s', team)).expect(200);
        expect(res.body).toEqual({ id: team, name: 'Team', description: '', member_count: 2 });
      },
    );

    it('never shows who is in the group, even to a member or an admin', async () => {
      for (const actor of [alice, admin]) {
        expect((await get(actor, `/api/groups/${team}/info`).expect(200)).body).not.toHaveProperty('user_ids');
      }
    });

    it('answers 404 for an unknown group and 400 naming id for a non-UUID', async () => {
      await get(alice, `/api/groups/${MISSING_ID}/info`).expect(404);
      await get(alice, `/api/v1/groups/id/${MISSING_ID}/info`).expect(404);
      expect((await get(alice, '/api/groups/team/info').expect(400)).body.detail).toBe('id must be a UUID');
    });

    it('refuses a pending account with 403', async () => {
      await get(pending, `/api/groups/${team}/info`).expect(403);
    });

    it('leaves GET /api/groups/:id (with user_ids) to admins', async () => {
      await get(alice, `/api/groups/${team}`).expect(403);
    });
  });
});
