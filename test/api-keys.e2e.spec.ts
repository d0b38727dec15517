import { createHash } from 'node:crypto';
import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const now = (): number => Math.floor(Date.now() / 1000);

describe('API keys', () => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  let bob: Actor;
  let aliceGroup: string;
  let bobGroup: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    alice = await createUser(t, admin, { name: 'Alice' });
    bob = await createUser(t, admin, { name: 'Bob' });
    aliceGroup = await createGroup(t, admin, 'alice-team', [alice.id]);
    bobGroup = await createGroup(t, admin, 'bob-team', [bob.id]);
  });
  afterAll(() => t.close());

  const create = (actor: Actor, body: object) =>
    request(t.server).post('/api/keys').set(bearer(actor.token)).send(body);
  const list = (actor: Actor) => request(t.server).get('/api/keys').set(bearer(actor.token)).expect(200);

  it('creates a key with 201, showing the sk- secret once with its settings', async () => {
    const expiresAt = now() + 3600;
    const res = await create(alice, {
      name: 'ci',
      group_id: aliceGroup,
      models: ['gpt-4o', 'org/model:1'],
      expires_at: expiresAt,
    }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'ci',
      key: expect.stringMatching(/^sk-[0-9a-f]{64}$/),
      group_id: aliceGroup,
      models: ['gpt-4o', 'org/model:1'],
      expires_at: expiresAt,
      read_only: true,
      created_at: expect.any(Number),
    });
  });

  it('reports a field of the wrong type as such, before its length or characters', async () => {
    const cases: Array<[object, string]> = [
      [{ name: 123 }, 'name must be a string'],
      [{ name: 'ci', models: [5] }, 'each value in models must be a string'],
      [{ name: 'ci', models: 'gpt-4o' }, 'models must be an array'],
      [{ name: 'ci', expires_at: 'soon' }, 'expires_at must be an integer number'],
    ];
    for (const [body, message] of cases) {
      expect((await create(alice, body).expect(400)).body.detail).toBe(message);
    }
  });

  it('stores only the SHA-256 of the secret', async () => {
    const { id, key } = await createApiKey(t, alice);
    const [row] = await t.dataSource.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key.slice(3));
  });

  it('lists the caller’s keys without secrets, with key_prefix and last_used_at', async () => {
    const { id, key } = await createApiKey(t, alice, { name: 'listed' });
    const res = await list(alice);
    const listed = (res.body as Array<Record<string, unknown>>).find((k) => k.id === id);
    expect(listed).toEqual({
      id,
      name: 'listed',
      key_prefix: key.slice(0, 7),
      group_id: null,
      models: null,
      expires_at: null,
      read_only: false,
      last_used_at: null,
      created_at: expect.any(Number),
    });
    expect(JSON.stringify(res.body)).not.toContain(key);
  });

  it('lists only the caller’s own keys', async () => {
    const { id } = await createApiKey(t, bob, { name: 'bob only' });
    expect((await list(alice)).body.map((k: { id: string }) => k.id)).not.toContain(id);
    expect((await list(bob)).body.map((k: { id: string }) => k.id)).toContain(id);
  });

  it('refuses a group the caller is not in with 400 naming group_id', async () => {
    const res = await create(alice, { name: 'x', group_id: bobGroup }).expect(400);
    expect(res.body.detail).toMatch(/group_id/);
    await create(alice, { name: 'x', group_id: '00000000-0000-4000-8000-000000000000' }).expect(400);
    await create(alice, { name: 'x', group_id: 'team' }).expect(400);
  });

  it.each([
    ['expires_at', { name: 'x', expires_at: 1000 }],
    ['expires_at', { name: 'x', expires_at: 'tomorrow' }],
    ['models', { name: 'x', models: 'gpt-4o' }],
    ['models', { name: 'x', models: [42] }],
    ['models', { name: 'x', models: [''] }],
    ['name', { name: '' }],
    ['name', {}],
    ['user_id', { name: 'x', user_id: 'someone' }],
  ])('refuses a bad or unexpected %s with 400', async (field, body) => {
    expect((await create(alice, body).expect(400)).body.detail).toContain(field);
  });

  it('accepts an empty allow-list (no model) and keeps it distinct from no limit', async () => {
    const res = await create(alice, { name: 'nothing', models: [] }).expect(201);
    expect(res.body.models).toEqual([]);
  });

  describe('read_only', () => {
    const listed = async (id: string) => (await list(alice)).body.find((k: { id: string }) => k.id === id);

    it('defaults to false for a key with neither group nor allow-list, and true with either', async () => {
      const cases: Array<[object, boolean]> = [
        [{}, false],
        [{ read_only: null }, false],
        [{ read_only: false }, false],
        [{ read_only: true }, true],
        [{ group_id: aliceGroup }, true],
        [{ models: ['gpt-4o'] }, true],
        [{ models: [] }, true],
        [{ group_id: aliceGroup, models: ['gpt-4o'], read_only: true }, true],
      ];
      for (const [body, readOnly] of cases) {
        const res = await create(alice, { name: 'ro', ...body }).expect(201);
        expect({ body, read_only: res.body.read_only }).toEqual({ body, read_only: readOnly });
        expect((await listed(res.body.id as string)).read_only).toBe(readOnly);
      }
    });

    it('refuses read_only: false with a group or an allow-list (400 naming read_only), storing no key', async () => {
      const before = (await list(alice)).body.length;
      for (const narrowing of [{ group_id: aliceGroup }, { models: ['gpt-4o'] }, { models: [] }]) {
        const res = await create(alice, { name: 'wide', read_only: false, ...narrowing }).expect(400);
        expect(res.body.detail).toMatch(/read_only/);
      }
      expect((await list(alice)).body.length).toBe(before);
    });

    it.each([['yes'], [1], [{}], [[true]]])('refuses read_only %j with 400 naming read_only', async (value) => {
      expect((await create(alice, { name: 'x', read_only: value }).expect(400)).body.detail).toContain('read_only');
    });

    it('cannot store a narrowed key that may write, whatever path inserts it (a CHECK on api_keys)', async () => {
      const insert = t.dataSource.query(
        `INSERT INTO api_keys (user_id, name, key_hash, key_prefix, models, read_only, created_at)
         VALUES ($1, 'forged', 'x', 'sk-x', '{}', false, 0)`,
        [alice.id],
      );
      await expect(insert).rejects.toThrow(/api_keys_narrowed_read_only/);
    });
  });

  it('deletes the caller’s key and answers {id, deleted: true}', async () => {
    const { id, key } = await createApiKey(t, alice);
    const res = await request(t.server).delete(`/api/keys/${id}`).set(bearer(alice.token)).expect(200);
    expect(res.body).toEqual({ id, deleted: true });
    expect((await list(alice)).body.map((k: { id: string }) => k.id)).not.toContain(id);
    await request(t.server).get('/api/auths').set(bearer(key)).expect(401);
  });

  it('answers 404 when deleting another user’s key, and keeps that key working', async () => {
    const { id, key } = await createApiKey(t, bob);
    await request(t.server).delete(`/api/keys/${id}`).set(bearer(alice.token)).expect(404);
    await request(t.server).delete(`/api/keys/${id}`).set(bearer(admin.token)).expect(404);
    await request(t.server).get('/api/auths').set(bearer(key)).expect(200);
  });

  it('answers 400 for a malformed key id', async () => {
    await request(t.server).delete('/api/keys/abc').set(bearer(alice.token)).expect(400);
  });

  it('keeps a key’s secret distinct from every other key', async () => {
    const keys = await Promise.all([1, 2, 3, 4, 5].map(() => createApiKey(t, alice)));
    expect(new Set(keys.map((k) => k.key)).size).toBe(5);
  });
});
