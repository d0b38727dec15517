import request from 'supertest';
import type { AuthUser } from '../src/common/auth-user';
import { callerOf } from '../src/access/caller';
import { queryRows } from '../src/common/sql';
import { ReadRouter } from '../src/database/read-router';
import { preparedName } from '../src/database/text-rows';
import { toOpenAiList } from '../src/gateway/openai.format';
import { listableSql, type ModelSummaryRow } from '../src/models/model-read.sql';
import { Actor, bearer, createApiKey } from './support/actors';
import { createCustomModel, groupGrant, publicGrant } from './support/model-fixtures';
import { startKeptJsonWorld } from './support/kept-json-world';
import type { TestApp } from './support/test-app';

/** Marks the key's statement (openAiVersionsSql): ids and row versions in one array. */
const VERSIONS_STATEMENT = `string_agg(to_json(s.id)::text || ',"' || s.row_version`;

/**
 * The statement every `/v1/models` request of an API key runs (ids and row versions of its
 * allow-list) is a prepared statement: planned once per connection, then run on PostgreSQL's
 * generic plan (docs/gateway.md, "The key's statement"). Its values are bound on every run, so two
 * keys of one user, whose statements have the same text, each still list exactly their own models,
 * before and after the switch to the generic plan (PostgreSQL's sixth run).
 */
describe('OpenAI list for an API key: the key’s statement prepared', () => {
  let t: TestApp;
  let admin: Actor;
  let bob: Actor;
  let team: string;
  let router: ReadRouter;

  beforeAll(async () => {
    ({ t, admin, bob, team } = await startKeptJsonWorld());
    await createCustomModel(t, admin, { id: 'c/public', base_model_id: 'base/a', access_grants: [publicGrant()] });
    await createCustomModel(t, admin, { id: 'c/granted', base_model_id: 'base/a', access_grants: [groupGrant(team)] });
    await createCustomModel(t, admin, { id: 'c/secret', base_model_id: 'base/b' });
    await createCustomModel(t, bob, { id: 'c/own', base_model_id: 'base/b' });
    router = t.app.get(ReadRouter);
  });
  afterAll(() => t?.close());

  /** The session's prepared statements, read on the pool's most recently released connection (pg-pool is LIFO). */
  async function preparedHere(): Promise<Array<{ name: string; statement: string; generic_plans: number }>> {
    const [text] = await router.readTexts(
      `SELECT COALESCE(json_agg(json_build_object('name', name, 'statement', statement, 'generic_plans', generic_plans)), '[]')::text
         FROM pg_prepared_statements`,
      [],
    );
    return JSON.parse(text.toString('utf8')) as Array<{ name: string; statement: string; generic_plans: number }>;
  }

  async function expected(models: string[]): Promise<string> {
    const groups = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT group_id::text AS id FROM group_members WHERE user_id = $1 ORDER BY group_id',
      [bob.id],
    );
    const user = { id: bob.id, name: 'Bob', role: 'user', groupIds: groups.map((row) => row.id) } as AuthUser;
    const keyed = { ...user, apiKey: { id: 'k', groupId: null, models, readOnly: true } } as AuthUser;
    const rows = await queryRows<ModelSummaryRow>(
      t.dataSource,
      listableSql(callerOf(keyed, { bypassAdminAccessControl: true }), { order: 'id' }),
    );
    return JSON.stringify(toOpenAiList(rows));
  }

  it('binds its values on every run: each of two keys lists its own models, past the generic plan', async () => {
    const first = ['base/a', 'c/public', 'c/secret'];
    const second = ['base/b', 'c/granted', 'c/own', 'c/secret'];
    const keys = [
      { key: (await createApiKey(t, bob, { models: first })).key, want: await expected(first) },
      { key: (await createApiKey(t, bob, { models: second })).key, want: await expected(second) },
    ];
    // Neither list may show c/secret (Bob cannot read it), nor a model of the other key.
    expect(keys.map(({ want }) => (JSON.parse(want) as { data: Array<{ id: string }> }).data.map((m) => m.id))).toEqual(
      [
        ['base/a', 'c/public'],
        ['base/b', 'c/granted', 'c/own'],
      ],
    );
    for (let run = 0; run < 8; run += 1) {
      for (const { key, want } of run % 2 ? [...keys].reverse() : keys) {
        const res = await request(t.server).get('/v1/models').set(bearer(key));
        expect(res.status).toBe(200);
        expect(res.text).toBe(want);
      }
    }
    const prepared = (await preparedHere()).filter((s) => s.statement.includes(VERSIONS_STATEMENT));
    expect(prepared).toHaveLength(1);
    expect(prepared[0].name).toBe(preparedName(prepared[0].statement));
    expect(prepared[0].generic_plans).toBeGreaterThan(0);
  });

  it('ReadRouter.readTexts prepares only when asked, under the digest of the text', async () => {
    const text = 'SELECT $1::text || $2::text AS body';
    expect((await router.readTexts(text, ['a', 'b'], { prepared: true })).map(String)).toEqual(['ab']);
    expect((await router.readTexts(text, ['c', 'd'], { prepared: true })).map(String)).toEqual(['cd']);
    expect((await preparedHere()).filter((s) => s.statement === text).map((s) => s.name)).toEqual([preparedName(text)]);
    const unprepared = 'SELECT $1::text || $2::text || $3::text AS body';
    expect((await router.readTexts(unprepared, ['a', 'b', 'c'])).map(String)).toEqual(['abc']);
    expect((await preparedHere()).filter((s) => s.statement === unprepared)).toEqual([]);
  });

  it('gives each text its own name', () => {
    expect(preparedName('SELECT 1')).toBe(preparedName('SELECT 1'));
    expect(preparedName('SELECT 1')).not.toBe(preparedName('SELECT 2'));
    // node-postgres and PostgreSQL take names of at most 63 bytes (NAMEDATALEN - 1).
    expect(preparedName('x'.repeat(10_000)).length).toBeLessThanOrEqual(63);
  });
});
