import request from 'supertest';
import { bearer, createGroup, createUser, signUp, type Actor } from './support/actors';
import { INJECTIONS } from './support/hostile-fixtures';
import { createBaseModel, createCustomModel, listAll, modelApi, readModel } from './support/model-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/** Text that is odd but valid Unicode: stored and returned exactly, never refused or rewritten. */
const ODD_NAMES = [
  '\u202Eexe.txt\u202C evil', // right-to-left override
  '\u200F\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627', // RTL mark, Hebrew, Arabic
  '🚀 Rocket 👩‍💻🏳️‍🌈', // emoji, ZWJ sequences
  'e\u0301cole Z\u0351\u0364a\u0327\u0301lgo', // combining marks (NFD, "zalgo")
  '\uFEFFbom\u200Bzero\u2060width', // BOM, zero-width space, word joiner
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱', // astral-plane letters (surrogate pairs in UTF-16)
];

/** Names holding SQL and LIKE metacharacters, each findable only by itself. */
const LITERAL_NAMES = ['Discount 100% off', 'snake_case helper', 'C:\\models\\coder', "O'Reilly bot", 'Plain model'];

let t: TestApp;
let admin: Actor;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Text Admin');
  await createBaseModel(t, admin, { id: 'acme/base' });
});
afterAll(() => t?.close());

describe('odd but valid Unicode', () => {
  it('stores model names, descriptions and tags of odd Unicode exactly as sent', async () => {
    for (const [i, name] of ODD_NAMES.entries()) {
      const id = `unicode/m${i}`;
      const meta = { description: `about ${name}`, tags: [name] };
      await createCustomModel(t, admin, { id, base_model_id: 'acme/base', name, meta });
      const model = await readModel(t, admin, id);
      expect({ name: model.name, description: model.meta.description }).toEqual({
        name,
        description: meta.description,
      });
      expect(model.meta.tags).toEqual([{ name: name.trim().toLowerCase() }]);
    }
  });

  it('finds models by odd Unicode in the search, and by their tags', async () => {
    for (const [i, name] of ODD_NAMES.entries()) {
      const { ids } = await listAll(t, admin, { query: name.trim().slice(0, 6) });
      expect(ids).toContain(`unicode/m${i}`);
      const byTag = await listAll(t, admin, { tag: name });
      expect(byTag.ids).toEqual([`unicode/m${i}`]);
    }
  });

  it('keeps odd Unicode in user, group and key names', async () => {
    const name = ODD_NAMES[0];
    const user = await createUser(t, admin, { name });
    const me = await request(t.server).get('/api/auths').set(bearer(user.token)).expect(200);
    expect(me.body.name).toBe(name);
    const groupId = await createGroup(t, admin, ODD_NAMES[2], []);
    const group = await request(t.server).get(`/api/groups/${groupId}`).set(bearer(admin.token)).expect(200);
    expect(group.body.name).toBe(ODD_NAMES[2]);
    const key = await request(t.server).post('/api/keys').set(bearer(user.token)).send({ name: ODD_NAMES[3] });
    expect([key.status, key.body.name]).toEqual([201, ODD_NAMES[3]]);
  });
});

describe('SQL and LIKE metacharacters are text', () => {
  beforeAll(async () => {
    for (const [i, name] of LITERAL_NAMES.entries()) {
      await createCustomModel(t, admin, { id: `literal/m${i}`, base_model_id: 'acme/base', name });
    }
    for (const name of ['Per%cent User', 'Under_score User', "D'Angelo User"]) await createUser(t, admin, { name });
  });

  const literalIds = (needle: string) =>
    LITERAL_NAMES.flatMap((name, i) => (name.toLowerCase().includes(needle.toLowerCase()) ? [`literal/m${i}`] : []));

  it('matches %, _, \\ and quotes in the model search literally', async () => {
    for (const needle of [...INJECTIONS, "o'reilly", '100%', 'e_c', ':\\m']) {
      const { ids } = await listAll(t, admin, { query: needle });
      expect({ needle, ids: ids.filter((id) => id.startsWith('literal/')).sort() }).toEqual({
        needle,
        ids: literalIds(needle),
      });
    }
  });

  it('matches %, _ and quotes in the user search literally', async () => {
    const names = async (query: string) => {
      const res = await request(t.server).get('/api/users').query({ query }).set(bearer(admin.token)).expect(200);
      return (res.body.items as Array<{ name: string }>).map((u) => u.name).sort();
    };
    expect(await names('%')).toEqual(['Per%cent User']);
    expect(await names('_')).toEqual(['Under_score User']);
    expect(await names("'")).toEqual(["D'Angelo User"]);
    expect(await names("' OR 1=1 --")).toEqual([]);
  });

  it('finds no model for an injection string as a tag or an id', async () => {
    for (const text of INJECTIONS) {
      expect((await listAll(t, admin, { tag: text })).ids).toEqual([]);
      expect((await modelApi(t, admin).get(text)).status).toBe(404);
    }
  });

  it('refuses SQL in a model id (letters, digits and / : . - _ only) and leaves the table whole', async () => {
    const res = await modelApi(t, admin).create({
      id: "x'; DROP TABLE models; --",
      name: 'n',
      base_model_id: 'acme/base',
    });
    expect([res.status, res.body.detail]).toEqual([400, expect.stringMatching(/^id /)]);
    const rows: Array<{ n: number }> = await t.dataSource.query('SELECT count(*)::int AS n FROM models');
    expect(rows[0].n).toBe(1 + ODD_NAMES.length + LITERAL_NAMES.length);
  });
});
