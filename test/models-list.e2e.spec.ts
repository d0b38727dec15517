import request from 'supertest';
import { Actor, bearer, createApiKey, createGroup, createUser, signUp } from './support/actors';
import {
  createBaseModel,
  createCustomModel,
  expectApiError,
  Grant,
  Json,
  groupGrant,
  inPool,
  listAll,
  MODEL_FIELDS,
  modelApi,
  normaliseGrants,
  ownerSummary,
  publicGrant,
  setGrants,
  setModelTimes,
  sortGrants,
  userGrant,
} from './support/model-fixtures';
import {
  canRead,
  canWrite,
  expectedList,
  type ListQuery,
  listMatches,
  type OracleModel,
  type OraclePerson,
  searchFields,
  sortKey,
} from './support/oracle';
import { startTestApp, TestApp } from './support/test-app';

type Person = Actor & OraclePerson & { username: string | null };

/** What the test created, as the oracle sees it (tags lower-cased, as stored). */
type Rec = OracleModel & { owner: Person | null; params: Record<string, unknown> };

const BASES = ['openai/gpt-4o', 'anthropic/claude-3.5-sonnet', 'meta/llama-3.1:70b'];
const NAMES = [
  'Coder', 'coder', 'CODER', 'Code Reviewer', 'Translator', 'translator pro', 'Summarizer', 'Discount 50% Off',
  'Discount 50 Percent Off', 'SQL Helper', 'Data_Analyst', 'DataXAnalyst', 'Path Finder', 'Mentor', 'mentor',
  'Zeta', 'alpha', 'Alpha', 'Beta 2', 'beta 10', 'Écrivain',
]; // prettier-ignore
const DESCRIPTIONS = [
  'Translates text between languages', 'Reviews pull requests', 'Reads C:\\models\\coder files', null,
  'Helps with SQL queries', 'cmodels without a backslash', '100% local inference', 'General purpose',
]; // prettier-ignore
const TAG_SETS: unknown[][] = [
  ['Coding'], ['coding', { name: 'CODING' }], ['Research', { name: 'Writing' }], [], ['code-review', 'SQL', { name: 'sql' }],
  [{ name: 'coding' }, 'research'], ['WRITING'], ['Coding', 'Code-Review'],
]; // prettier-ignore
const SPECIAL_IDS = ['acme/tool_use', 'acme/toolXuse', 'acme/tool-use', 'Acme/Tool_Use'];

/** Creation times of the dataset (unix seconds). */
const T0 = 1_760_000_000;
const lower = (s: string) => s.toLowerCase();
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

function idFor(i: number): string {
  if (i < SPECIAL_IDS.length) return SPECIAL_IDS[i];
  const slug = lower(NAMES[i % NAMES.length]).replace(/[^a-z0-9]+/g, '-');
  return [`acme/${slug}-${i}`, `team:${slug}.v${i}`, `${slug}_${i}`, `org/sub/${slug}:${i}.0`][i % 4];
}

const tagNames = (tags: unknown[]) => [
  ...new Set(tags.map((t) => lower(typeof t === 'string' ? t : (t as { name: string }).name))),
];

let t: TestApp;
let admin: Person;
let people: Record<'alice' | 'bob' | 'carol' | 'dave' | 'erin', Person>;
let groups: Record<'alpha' | 'beta' | 'ops', string>;
const recs = new Map<string, Rec>();

type Query = ListQuery;

/** How many checked lists had ties whose order the id tiebreak decided, per direction. */
const tiesDecided = { asc: 0, desc: 0 };

function oracle(caller: Person, q: Query): string[] {
  return expectedList(caller, [...recs.values()], q);
}

/** Whether neighbours in the list share the sort key: then their order is the id tiebreak's. */
function hasTies(ids: string[], orderBy: Query['order_by']): boolean {
  const keys = ids.map((id) => sortKey(recs.get(id)!, orderBy));
  return keys.some((key, i) => i > 0 && key === keys[i - 1]);
}

async function checkCombination(caller: Person, q: Query): Promise<void> {
  const params = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const walked = await listAll(t, caller, params);
  const full: Query = { order_by: 'created_at', direction: 'desc', ...params };
  const want = oracle(caller, full);
  if (hasTies(want, full.order_by)) tiesDecided[full.direction!] += 1;
  const n = want.length;
  const pageSizes = Array.from({ length: Math.max(1, Math.ceil(n / 30)) }, (_, i) => Math.min(30, n - i * 30));
  const got = { ids: walked.ids, totals: walked.totals, pageSizes: walked.pageSizes };
  expect({ caller: caller.name, params, ...got }).toEqual({
    caller: caller.name,
    params,
    ids: want,
    totals: pageSizes.map(() => n),
    pageSizes,
  });
}

async function person(name: string, email: string, username: string | null, role: 'user' = 'user'): Promise<Person> {
  const actor = await createUser(t, admin, { name, email, username: username ?? undefined, role });
  return { ...actor, username, groups: [] };
}

async function buildDataset(): Promise<void> {
  admin = { ...(await signUp(t, 'Root Admin', 'root@registry.test')), username: null, groups: [] };
  people = {
    alice: await person('Alice Liddell', 'alice.l@wonder.test', 'alice_w'),
    bob: await person('Bob Stone', 'bob@quarry.test', 'bstone'),
    carol: await person('Carol King', 'carol.k@music.test', 'ck'),
    dave: await person('Dave Grohl', 'dave@band.test', 'dave_the_drummer'),
    erin: await person('Erin Brock', 'erin@law.test', null),
  };
  const { alice, bob, carol, dave } = people;
  const members = { alpha: [alice, bob], beta: [carol, dave], ops: [alice, dave] };
  groups = { alpha: '', beta: '', ops: '' };
  for (const [key, list] of Object.entries(members) as Array<[keyof typeof members, Person[]]>) {
    groups[key] = await createGroup(
      t,
      admin,
      `Team ${key}`,
      list.map((p) => p.id),
    );
    list.forEach((p) => p.groups.push(groups[key]));
  }
  for (const base of BASES) {
    await createBaseModel(t, admin, {
      id: base,
      meta: { description: 'Translates everything', tags: ['provider-only'] },
    });
  }
  const owners = [alice, bob, carol, dave, admin];
  const users = [alice, bob, carol, dave, people.erin];
  const publicLater: string[] = [];
  for (let i = 0; i < 96; i += 1) {
    const owner = owners[i % owners.length];
    const other = users[(i * 7) % users.length];
    const groupId = Object.values(groups)[i % 3];
    const grants: Grant[] = [
      [],
      [userGrant(other.id, 'read')],
      [userGrant(other.id, 'write')],
      [groupGrant(groupId, 'read')],
      [groupGrant(groupId, 'write')],
      [],
      [userGrant(other.id, 'read'), groupGrant(groupId, 'write'), userGrant(other.id, 'write')],
      [groupGrant(groupId, 'read')],
    ][i % 8];
    const description = DESCRIPTIONS[i % DESCRIPTIONS.length];
    const tags = TAG_SETS[(i * 3) % TAG_SETS.length];
    const body = {
      id: idFor(i),
      base_model_id: BASES[i % BASES.length],
      name: NAMES[(i * 5) % NAMES.length],
      params: { system: `prompt ${i}` },
      meta: { ...(description === null ? {} : { description }), tags },
      access_grants: grants,
    };
    await createCustomModel(t, owner, body);
    recs.set(body.id, {
      id: body.id,
      name: body.name,
      baseModelId: body.base_model_id,
      params: body.params,
      description,
      tags: tagNames(tags),
      owner,
      grants: normaliseGrants(grants),
      // Three creation seconds: ties and distinct values under created_at.
      createdAt: T0 + Math.floor(i / 32),
      updatedAt: T0 + Math.floor(i / 32),
    });
    if (i < SPECIAL_IDS.length || i % 8 === 5 || i % 16 === 7 || i % 21 === 4) publicLater.push(body.id);
  }
  for (const id of publicLater) {
    const rec = recs.get(id)!;
    rec.grants = normaliseGrants([...rec.grants, publicGrant(id.length % 2 ? 'write' : 'read')]);
    await setGrants(t, admin, id, rec.grants);
  }
  const toRename = [...recs.values()].filter((_, i) => i % 6 === 1);
  for (const rec of toRename) {
    rec.name = `${rec.name} Renamed`;
    const res = await modelApi(t, rec.owner).update({ id: rec.id, name: rec.name });
    expect(res.status).toBe(200);
  }
  // Edited models are newer, in two seconds of their own; times are set in SQL, not waited for.
  const edited = new Set([...publicLater, ...toRename.map((rec) => rec.id)]);
  [...recs.values()].forEach((rec, i) => {
    if (edited.has(rec.id)) rec.updatedAt = T0 + 3 + (i % 2);
  });
  await setModelTimes(t, [...recs.values()]);
}

beforeAll(async () => {
  t = await startTestApp();
  await buildDataset();
}, 180_000);
afterAll(() => t?.close());

const callerOf = (name: string): Person => (name === 'admin' ? admin : people[name as keyof typeof people]);
const CALLERS = ['admin', 'alice', 'bob', 'erin'];
const QUERIES = [
  undefined, 'coder', 'CoDeR', 'acme/', 'GPT-4o', 'translat', 'Alice', 'carol.k@', 'dave_the', '50%', '%', 'tool_use',
  '_', '\\m', 'ÉCRIV', 'zzqx-nothing',
]; // prettier-ignore
const VIEWS = [undefined, 'created', 'shared'] as const;
const TAGS = [undefined, 'CODING', 'Writing'];
const SORTS = (['name', 'created_at', 'updated_at'] as const).flatMap((o) =>
  (['asc', 'desc'] as const).map((d) => ({ order_by: o, direction: d })),
);

describe('dataset', () => {
  it('has ties and distinct values under every sort key, so tie-breaking is exercised', () => {
    const all = [...recs.values()];
    for (const key of ['name', 'created_at', 'updated_at'] as const) {
      const distinct = new Set(all.map((r) => sortKey(r, key))).size;
      expect(distinct).toBeGreaterThan(2);
      expect(distinct).toBeLessThan(all.length);
    }
  });
});

/** What a query would match if `%`, `_` and `\\` were LIKE wildcards and escapes: the bug the data must expose. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function likeCount(caller: Person, query: string): number {
  let pattern = '';
  for (let i = 0; i < query.length; i += 1) {
    if (query[i] === '\\' && i + 1 < query.length) pattern += escapeRegExp(query[(i += 1)]);
    else pattern += query[i] === '%' ? '.*' : query[i] === '_' ? '.' : escapeRegExp(query[i]);
  }
  const re = new RegExp(pattern, 'i');
  return [...recs.values()].filter((r) => {
    return canRead(caller, r) && searchFields(r).some((f) => typeof f === 'string' && re.test(f));
  }).length;
}

describe('dataset', () => {
  it.each(CALLERS)('makes every query, view and tag discriminating for %s', (name) => {
    const caller = callerOf(name);
    const count = (q: Query) => [...recs.values()].filter((r) => listMatches(caller, r, q)).length;
    const readable = count({});
    const counts = Object.fromEntries(QUERIES.filter((q) => q !== undefined).map((q) => [q, count({ query: q })]));
    for (const [query, n] of Object.entries(counts)) {
      if (query === 'zzqx-nothing') expect(n).toBe(0);
      else expect({ query, inRange: n > 0 && n < readable }).toEqual({ query, inRange: true });
    }
    for (const query of ['50%', '%', 'tool_use', '_', '\\m']) {
      expect({ query, wildcardWouldDiffer: likeCount(caller, query) > counts[query] }).toEqual({
        query,
        wildcardWouldDiffer: true,
      });
    }
    expect(count({ view_option: 'shared' })).toBeGreaterThan(0);
    expect(count({ view_option: 'created' }) > 0).toBe(name !== 'erin');
    for (const tag of TAGS.filter((tg) => tg !== undefined)) expect(count({ tag })).toBeGreaterThan(0);
  });
});

describe('every parameter combination matches the oracle on every page', () => {
  const cases = CALLERS.flatMap((c) =>
    SORTS.map((s): [string, string, string, (typeof SORTS)[number]] => [c, s.order_by, s.direction, s]),
  );
  it.each(cases)('as %s ordered by %s %s', async (callerName, _o, _d, sort) => {
    const caller = callerOf(callerName);
    const combos = QUERIES.flatMap((query) =>
      VIEWS.flatMap((view_option) => TAGS.map((tag) => ({ query, view_option, tag, ...sort }))),
    );
    await inPool(combos, 4, (q) => checkCombination(caller, q));
  });

  it.each(CALLERS)('as %s, defaults to created_at desc with the same tiebreak', async (callerName) => {
    const caller = callerOf(callerName);
    const combos: Query[] = [{}, { direction: 'asc' }, { order_by: 'name' }, { query: 'coder' }, { tag: 'coding' }];
    await inPool(combos, 4, (q) => checkCombination(caller, q));
  });

  it('checked lists whose order the id tiebreak decides, in both directions', () => {
    expect(tiesDecided.asc).toBeGreaterThan(0);
    expect(tiesDecided.desc).toBeGreaterThan(0);
  });
});

describe('list items', () => {
  it.each(CALLERS)('as %s, carry write_access, the owner, and params and grants only for writers', async (name) => {
    const caller = callerOf(name);
    const items = (await listAll(t, caller)).items;
    const project = (item: Json) => ({
      ...item,
      meta: { ...item.meta, tags: [...(item.meta.tags ?? [])].sort((a, b) => cmp(a.name, b.name)) },
    });
    const expected = items.map((item: Json) => {
      const rec = recs.get(item.id)!;
      const writer = canWrite(caller, rec);
      return {
        ...item,
        user_id: rec.owner!.id,
        base_model_id: rec.baseModelId,
        name: rec.name,
        params: writer ? rec.params : {},
        meta: {
          ...(rec.description === null ? {} : { description: rec.description }),
          tags: rec.tags.map((tag) => ({ name: tag })),
        },
        access_grants: writer ? rec.grants : [],
        is_active: true,
        write_access: writer,
        user: ownerSummary(rec.owner!),
        created_at: rec.createdAt,
        updated_at: rec.updatedAt,
      };
    });
    expect(items.map((item) => Object.keys(item).sort())).toEqual(items.map(() => MODEL_FIELDS));
    expect(items.map((item) => project({ ...item, access_grants: sortGrants(item.access_grants) }))).toEqual(
      expected.map(project),
    );
  });

  it('leaves base models out of the list', async () => {
    const res = await modelApi(t, admin).list({ query: 'translates everything' });
    expect(res.body).toEqual({ items: [], total: 0 });
  });
});

describe('bad and edge parameter values', () => {
  it.each([
    ['view_option', { view_option: 'x' }],
    ['order_by', { order_by: 'x' }],
    ['direction', { direction: 'x' }],
    ['page', { page: 'abc' }],
    ['page', { page: '1.5' }],
    ['query', { query: 'q'.repeat(501) }],
  ])('answers 400 naming %s for %j', async (param, query) => {
    expectApiError(await modelApi(t, people.alice).list(query), 400, param);
  });

  it.each(['0', '-3'])('takes page=%s as page 1', async (page) => {
    const first = await modelApi(t, admin).list({ page: 1 });
    const res = await modelApi(t, admin).list({ page });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(first.body);
    expect(res.body.items).toHaveLength(30);
  });

  it('treats an empty query as no query', async () => {
    expect((await modelApi(t, admin).list({ query: '' })).body).toEqual((await modelApi(t, admin).list()).body);
  });

  it('answers an API key, as Bearer or x-api-key, with the same list as its user', async () => {
    const { key } = await createApiKey(t, people.bob);
    const viaJwt = await modelApi(t, people.bob).list({ order_by: 'name' });
    for (const header of [{ Authorization: `Bearer ${key}` }, { 'x-api-key': key }]) {
      const res = await request(t.server).get('/api/models/list?order_by=name').set(header);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: viaJwt.body });
    }
  });

  it('accepts a query of exactly 500 characters', async () => {
    expect((await modelApi(t, admin).list({ query: 'q'.repeat(500) })).body).toEqual({ items: [], total: 0 });
  });

  it('answers an empty page past the end with the full total', async () => {
    const res = await modelApi(t, admin).list({ page: 99 });
    expect(res.body).toEqual({ items: [], total: recs.size });
  });

  it('matches whole tags only, in any case', async () => {
    const count = (tag: string) => [...recs.values()].filter((r) => listMatches(admin, r, { tag })).length;
    for (const tag of ['cod', 'code', 'review', 'CODE-REVIEW', 'sql']) {
      expect({ tag, total: (await modelApi(t, admin).list({ tag })).body.total }).toEqual({ tag, total: count(tag) });
    }
    expect(count('code-review')).toBeGreaterThan(0);
  });
});

describe('GET /api/models/tags', () => {
  it.each(CALLERS)('answers %s the sorted distinct tags of the custom models it can read', async (name) => {
    const caller = callerOf(name);
    const tags = new Set([...recs.values()].filter((r) => canRead(caller, r)).flatMap((r) => r.tags));
    const res = await modelApi(t, caller).tags();
    expect(res.status).toBe(200);
    expect(res.body).toEqual([...tags].sort(cmp));
  });
});

describe('/api/v1 aliases', () => {
  it.each([
    ['/models/list?query=coder&order_by=name&direction=asc'],
    ['/models/list?view_option=shared&page=2'],
    ['/models/tags'],
    ['/models/export'],
    [`/models/model?id=${encodeURIComponent('acme/tool_use')}`],
  ])('answers GET /api/v1%s exactly like /api', async (path) => {
    for (const caller of [admin, people.alice]) {
      const [plain, v1] = [await getRaw(caller, `/api${path}`), await getRaw(caller, `/api/v1${path}`)];
      expect({ status: v1.status, body: v1.body }).toEqual({ status: plain.status, body: plain.body });
    }
  });

  it("keeps Open WebUI's own shapes apart: /api/models/base is {data}, /api/v1/models/base a bare array", async () => {
    for (const caller of [admin, people.alice]) {
      const [plain, v1] = [await getRaw(caller, '/api/models/base'), await getRaw(caller, '/api/v1/models/base')];
      expect(plain.body.data.map((m: Json) => m.id)).toEqual(v1.body.map((m: Json) => m.id));
    }
  });
});

function getRaw(caller: Person, path: string) {
  return request(t.server).get(path).set(bearer(caller.token));
}

describe('after an owner is deleted', () => {
  beforeAll(async () => {
    const res = await request(t.server).delete(`/api/users/${people.carol.id}`).set(bearer(admin.token));
    expect(res.status).toBeLessThan(300);
    for (const rec of recs.values()) if (rec.owner?.id === people.carol.id) rec.owner = null;
  });

  it('keeps their models in the list with user null', async () => {
    const orphans = [...recs.values()].filter((r) => r.owner === null).map((r) => r.id);
    expect(orphans.length).toBeGreaterThan(10);
    const items = (await listAll(t, admin)).items.filter((item) => orphans.includes(item.id));
    expect(items.map((item) => [item.id, item.user]).sort()).toEqual(orphans.map((id) => [id, null]).sort());
  });

  it.each(['admin', 'alice', 'bob'])('as %s, still matches the oracle without the owner', async (name) => {
    const combos: Query[] = [{}, { query: 'carol' }, { query: 'king', view_option: 'shared' }, { order_by: 'name' }];
    await inPool(combos, 2, (q) => checkCombination(callerOf(name), q));
  });
});
