import request from 'supertest';
import { bearer, createApiKey, createGroup, createUser, signUp, type Actor } from './support/actors';
import { snapshotTables } from './support/hostile-http';
import {
  createBaseModel,
  createCustomModel,
  type Grant,
  groupGrant,
  type Json,
  listAll,
  modelApi,
  publicGrant,
} from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * docs/access.md (API keys): a key's narrowing applies on every read, not only on /v1; a read-only
 * credential makes its caller a reader everywhere. A regular user's keys (no admin bypass) against an oracle, and
 * the two exploits of the issue that changed the contract.
 */
interface Seed {
  id: string;
  owner: 'user' | 'other' | 'admin';
  tag: string;
  grants: (w: { team: string; solo: string }) => Grant[];
  /** The user can write it (owner, or a write grant). */
  writable: boolean;
}

const seeds: Seed[] = [
  ...Array.from({ length: 20 }, (_, i): Seed => ({
    id: `u/own-${i + 1}`,
    owner: 'user',
    tag: 'own',
    grants: () => [],
    writable: true,
  })),
  ...Array.from({ length: 12 }, (_, i): Seed => ({
    id: `u/team-${i + 1}`,
    owner: 'user',
    tag: 'team',
    grants: (w) => [groupGrant(w.team)],
    writable: true,
  })),
  { id: 'o/team', owner: 'other', tag: 'team', grants: (w) => [groupGrant(w.team, 'write')], writable: true },
  { id: 'o/solo', owner: 'other', tag: 'solo', grants: (w) => [groupGrant(w.solo)], writable: false },
  { id: 'a/public', owner: 'admin', tag: 'public', grants: () => [publicGrant()], writable: false },
  { id: 'a/private', owner: 'admin', tag: 'private', grants: () => [], writable: false },
];
const readable = (s: Seed) => s.id !== 'a/private';

/** Each credential of the user, and the custom models it may see (the oracle). */
const CREDENTIALS: Record<string, { key?: object; sees: (s: Seed) => boolean; readOnly: boolean }> = {
  token: { sees: readable, readOnly: false },
  'full key': { key: {}, sees: readable, readOnly: false },
  'read-only key': { key: { read_only: true }, sees: readable, readOnly: true },
  'group key': { key: { group: true }, sees: (s) => s.tag === 'team' || s.tag === 'public', readOnly: true },
  'allow-list key': {
    key: { models: ['u/own-1', 'u/own-2', 'o/solo', 'a/public', 'a/private'] },
    sees: (s) => readable(s) && ['u/own-1', 'u/own-2', 'o/solo', 'a/public'].includes(s.id),
    readOnly: true,
  },
  'group and allow-list key': {
    key: { group: true, models: ['u/team-1', 'u/own-1', 'a/public'] },
    sees: (s) => ['u/team-1', 'a/public'].includes(s.id),
    readOnly: true,
  },
};
const LABELS = Object.keys(CREDENTIALS);
const sortIds = (ids: string[]) => [...ids].sort();

describe('a key narrows every read of a regular user, and a read-only key makes it a reader', () => {
  let t: TestApp;
  let admin: Actor;
  let user: Actor;
  const as = {} as Record<string, Actor>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Admin');
    user = await createUser(t, admin, { name: 'User' });
    const other = await createUser(t, admin, { name: 'Other' });
    const team = await createGroup(t, admin, 'team', [user.id, other.id]);
    const solo = await createGroup(t, admin, 'solo', [user.id]);
    await createBaseModel(t, admin, { id: 'acme/base' });
    const owners = { user, other, admin };
    for (const s of seeds) {
      await createCustomModel(t, owners[s.owner], {
        id: s.id,
        base_model_id: 'acme/base',
        params: { system: `prompt of ${s.id}` },
        meta: { tags: [s.tag] },
        access_grants: s.grants({ team, solo }),
      });
    }
    for (const [label, { key }] of Object.entries(CREDENTIALS)) {
      if (!key) as[label] = user;
      else {
        const { group, ...body } = key as { group?: boolean; models?: string[]; read_only?: boolean };
        as[label] = {
          ...user,
          token: (await createApiKey(t, user, { ...body, group_id: group ? team : undefined })).key,
        };
      }
    }
  });
  afterAll(() => t.close());

  const visible = (label: string, filter: (s: Seed) => boolean = () => true) =>
    sortIds(seeds.filter((s) => CREDENTIALS[label].sees(s) && filter(s)).map((s) => s.id));

  const filters: Array<[string, Record<string, string>, (s: Seed) => boolean]> = [
    ['no filter', {}, () => true],
    ['tag=team', { tag: 'team' }, (s) => s.tag === 'team'],
    ['view_option=created', { view_option: 'created' }, (s) => s.owner === 'user'],
    ['view_option=shared', { view_option: 'shared' }, (s) => s.owner !== 'user'],
    ['query=own-1', { query: 'own-1' }, (s) => s.id.includes('own-1')],
  ];
  it.each(LABELS.flatMap((label) => filters.map(([name, query, keep]) => [label, name, query, keep] as const)))(
    'lists, with the %s, exactly the models it may see (%s), total included',
    async (label, _name, query, keep) => {
      const walked = await listAll(t, as[label], query);
      const expected = visible(label, keep);
      expect(sortIds(walked.ids)).toEqual(expected);
      expect(new Set(walked.totals)).toEqual(new Set([expected.length]));
    },
  );

  it('narrows tags the same way', async () => {
    for (const label of LABELS) {
      const tags = [...new Set(seeds.filter(CREDENTIALS[label].sees).map((s) => s.tag))].sort();
      expect({ label, tags: (await modelApi(t, as[label]).tags().expect(200)).body }).toEqual({ label, tags });
    }
  });

  it('answers 404 for every model outside the narrowing, exactly as for a missing one', async () => {
    const wrong: string[] = [];
    for (const label of LABELS) {
      for (const s of [...seeds, { id: 'missing/model' } as Seed]) {
        const expected = s.owner && CREDENTIALS[label].sees(s) ? 200 : 404;
        const res = await modelApi(t, as[label]).get(s.id);
        const gateway = await request(t.server).get(`/v1/models/${s.id}`).set(bearer(as[label].token));
        if (res.status !== expected || gateway.status !== expected) {
          wrong.push(`${label} ${s.id}: ${res.status}/${gateway.status}, expected ${expected}`);
        }
        if (expected === 404) expect(res.body).toEqual((await modelApi(t, as[label]).get('missing/model')).body);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lists on the gateway exactly the narrowed models (base models by the same rule)', async () => {
    for (const label of LABELS) {
      const res = await request(t.server).get('/v1/models').set(bearer(as[label].token)).expect(200);
      const base = CREDENTIALS[label].key && 'models' in CREDENTIALS[label].key ? [] : ['acme/base'];
      expect({ label, ids: sortIds(res.body.data.map((m: Json) => m.id)) }).toEqual({
        label,
        ids: sortIds([...base, ...visible(label)]),
      });
    }
  });

  it('makes a read-only credential a reader everywhere: no write_access, params, grants or export', async () => {
    for (const label of LABELS) {
      const { readOnly } = CREDENTIALS[label];
      const items = (await listAll(t, as[label])).items;
      const writers = items.filter((m: Json) => m.write_access).map((m: Json) => m.id as string);
      expect({ label, writers: sortIds(writers) }).toEqual({
        label,
        writers: readOnly ? [] : visible(label, (s) => s.writable),
      });
      for (const m of readOnly ? items : [])
        expect({ params: m.params, grants: m.access_grants }).toEqual({ params: {}, grants: [] });
      const single = (await modelApi(t, as[label]).get('u/team-1')).body;
      if (CREDENTIALS[label].sees(seeds.find((s) => s.id === 'u/team-1')!)) {
        expect(single).toMatchObject({ write_access: !readOnly });
        expect(single.params).toEqual(readOnly ? {} : { system: 'prompt of u/team-1' });
        expect(single.access_grants.length > 0).toBe(!readOnly);
      }
      const exported = (await modelApi(t, as[label]).exportAll().expect(200)).body.map((m: Json) => m.id as string);
      expect({ label, exported: sortIds(exported) }).toEqual({
        label,
        exported: readOnly ? [] : visible(label, (s) => s.writable),
      });
    }
  });
});

describe('the exploits that changed the contract (issue 11), as regressions', () => {
  let t: TestApp;
  let user: Actor;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    const admin = await signUp(t, 'Admin');
    user = await createUser(t, admin, { name: 'User' });
    await createBaseModel(t, admin, { id: 'acme/base' });
    for (const id of ['u/one', 'u/two', 'u/three'])
      await createCustomModel(t, user, { id, base_model_id: 'acme/base' });
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    key = (await createApiKey(t, user, { models: ['u/one', 'u/two'], expires_at: expiresAt })).key;
  });
  afterAll(() => t.close());

  it('refuses a narrowed key minting a key with no allow-list and no expiry (403), storing nothing', async () => {
    const before = await snapshotTables(t.dataSource);
    const res = await request(t.server).post('/api/keys').set(bearer(key)).send({ name: 'escalated' }).expect(403);
    expect(res.body.detail).toMatch(/read-only|sign-in token/);
    expect(await snapshotTables(t.dataSource)).toEqual(before);
    const listed = await request(t.server).get('/v1/models').set(bearer(key)).expect(200);
    expect(listed.body.data.map((m: Json) => m.id)).toEqual(['u/one', 'u/two']);
  });

  it('refuses a narrowed key deleting a model outside (or inside) its allow-list (403), deleting nothing', async () => {
    for (const id of ['u/three', 'u/one']) {
      const before = await snapshotTables(t.dataSource);
      const res = await request(t.server).post('/api/models/model/delete').set(bearer(key)).send({ id }).expect(403);
      expect(res.body.detail).toMatch(/read-only/);
      expect(await snapshotTables(t.dataSource)).toEqual(before);
      await modelApi(t, user).get(id).expect(200);
    }
  });
});
