import request from 'supertest';
import { callerOf, type Caller } from '../src/access/caller';
import type { AuthUser } from '../src/common/auth-user';
import { queryRows } from '../src/common/sql';
import { toAnthropicPage } from '../src/gateway/anthropic.format';
import { listableSql, type ModelSummaryRow } from '../src/models/model-read.sql';
import { Actor, bearer, createApiKey } from './support/actors';
import { startKeptJsonWorld } from './support/kept-json-world';
import {
  createBaseModel,
  createCustomModel,
  groupGrant,
  modelApi,
  publicGrant,
  setGrants,
  setModelTimes,
  userGrant,
} from './support/model-fixtures';
import type { TestApp } from './support/test-app';

const ANTHROPIC = { 'anthropic-version': '2023-06-01' };

/** Without validators the lane ahead of Express builds the page; with one, Nest does. */
const VALIDATOR_HEADERS: Array<Record<string, string>> = [{}, { 'If-None-Match': '"not-this-one"' }];

type PageQuery = { limit?: number; after_id?: string; before_id?: string };

/** Who asks: a token's user, or an API key narrowed to `models` (its owner's reads within them). */
interface Asker {
  name: string;
  credential: string;
  actor: Actor;
  keyModels: string[] | null;
}

/**
 * The Anthropic list's pages are written by PostgreSQL (anthropicPageJsonSql) and sent as they are:
 * they must be the very bytes JSON.stringify(toAnthropicPage(rows)) gives for the rows read afresh
 * (the way the page was built before), for every cursor and limit, through the lane ahead of Express
 * and through Nest, for a user, an admin and a narrowed API key, and after every kind of write to a
 * row a page's JSON or its membership comes from (the model, its base model, its grants, the
 * caller's groups), by the API or by SQL.
 */
describe('Anthropic model pages as JSON text built by PostgreSQL', () => {
  let t: TestApp;
  let admin: Actor;
  let bob: Actor;
  let team: string;
  let askers: Asker[];

  beforeAll(async () => {
    ({ t, admin, bob, team } = await startKeptJsonWorld());
    await createBaseModel(t, admin, { id: 'base/out', name: 'GPT "4o" \\ mini ☃ 😀', max_output_tokens: 4096 });
    await createCustomModel(t, admin, {
      id: 'c/public',
      base_model_id: 'base/a',
      name: 'Public "one" ☃ \u2028',
      access_grants: [publicGrant()],
    });
    await createCustomModel(t, admin, { id: 'c/granted', base_model_id: 'base/b', access_grants: [groupGrant(team)] });
    await createCustomModel(t, admin, {
      id: 'модель/日本-ü',
      base_model_id: 'base/out',
      context_length: 4096,
      access_grants: [publicGrant()],
    });
    await createCustomModel(t, admin, { id: 'c/private', base_model_id: 'base/a', access_grants: [] });
    await createCustomModel(t, bob, { id: 'c/own', base_model_id: 'base/b', name: 'Bob’s own' });
    await createCustomModel(t, bob, { id: 'c/own-2', base_model_id: 'base/out' });
    // What only a direct write can store: control characters in a name.
    await t.dataSource.query(`UPDATE models SET name = $1 WHERE id = 'c/granted'`, [
      'tab\there\nnew\u0001line\u001f"\\/',
    ]);
    // Ties (id breaks them), the epoch, before it, and the first and last seconds RFC 3339 years hold.
    await setModelTimes(t, [
      { id: 'base/a', createdAt: 1_700_000_000 },
      { id: 'base/b', createdAt: 1_700_000_000 },
      { id: 'base/out', createdAt: 0 },
      { id: 'c/public', createdAt: 1_750_000_123 },
      { id: 'c/granted', createdAt: -1 },
      { id: 'модель/日本-ü', createdAt: 253_402_300_799 },
      { id: 'c/private', createdAt: -62_135_596_800 },
      { id: 'c/own', createdAt: 1_750_000_123 },
      { id: 'c/own-2', createdAt: 1_600_000_000 },
    ]);
    const key = await createApiKey(t, bob, { models: ['c/public', 'c/granted', 'c/private', 'base/out'] });
    askers = [
      { name: 'admin', credential: admin.token, actor: admin, keyModels: null },
      { name: 'bob', credential: bob.token, actor: bob, keyModels: null },
      {
        name: "bob's key",
        credential: key.key,
        actor: bob,
        keyModels: ['c/public', 'c/granted', 'c/private', 'base/out'],
      },
    ];
  });
  afterAll(() => t?.close());

  async function callerOfAsker(asker: Asker): Promise<Caller> {
    const groups = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT group_id::text AS id FROM group_members WHERE user_id = $1 ORDER BY group_id',
      [asker.actor.id],
    );
    const apiKey = asker.keyModels === null ? null : { groupId: null, models: asker.keyModels, readOnly: false };
    const user = { id: asker.actor.id, role: asker.actor.role, groupIds: groups.map((g) => g.id), apiKey };
    return callerOf(user as unknown as AuthUser, { bypassAdminAccessControl: true });
  }

  /** The page as anthropicList built it before PostgreSQL wrote it: rows read, sliced, mapped, stringified. */
  async function expected(caller: Caller, query: PageQuery): Promise<string> {
    const find = async (id: string) =>
      (await queryRows<ModelSummaryRow>(t.dataSource, listableSql(caller, { order: 'id', id })))[0];
    const limit = query.limit ?? 20;
    const after = query.after_id === undefined ? null : await find(query.after_id);
    const before = query.before_id === undefined ? null : await find(query.before_id);
    const backwards = before !== null;
    const rows = await queryRows<ModelSummaryRow>(
      t.dataSource,
      listableSql(caller, {
        order: backwards ? 'oldest' : 'newest',
        olderThan: after,
        newerThan: before,
        limit: limit + 1,
      }),
    );
    const page = rows.slice(0, limit);
    return JSON.stringify(toAnthropicPage(backwards ? page.reverse() : page, rows.length > limit));
  }

  function page(asker: Asker, query: PageQuery, headers: Record<string, string> = {}) {
    return request(t.server)
      .get('/v1/models')
      .query(query)
      .set({ ...bearer(asker.credential), ...ANTHROPIC, ...headers });
  }

  /** Every asker's pages, by the early lane and by Nest (validators send a request there), as expected. */
  async function expectFresh(queries: PageQuery[] = [{}, { limit: 2 }, { limit: 1000 }]): Promise<void> {
    for (const asker of askers) {
      const caller = await callerOfAsker(asker);
      for (const query of queries) {
        const want = await expected(caller, query);
        for (const headers of VALIDATOR_HEADERS) {
          const res = await page(asker, query, headers);
          expect({ asker: asker.name, query, headers, status: res.status, text: res.text }).toEqual({
            asker: asker.name,
            query,
            headers,
            status: 200,
            text: want,
          });
          expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        }
      }
    }
  }

  /** The ids of the asker's whole list, newest first, as the service pages them. */
  async function listedIds(asker: Asker): Promise<string[]> {
    const res = await page(asker, { limit: 1000 });
    return (res.body.data as Array<{ id: string }>).map((model) => model.id);
  }

  it('writes the same bytes as the objects did, escaping, inherited and absent fields, extreme dates', async () => {
    await expectFresh([{}, { limit: 1 }, { limit: 3 }, { limit: 1000 }]);
    const all = (await page(askers[0], {})).text;
    expect(all).toContain('"created_at":"9999-12-31T23:59:59Z"');
    expect(all).toContain('"created_at":"0001-01-01T00:00:00Z"');
    expect(all).toContain('"created_at":"1969-12-31T23:59:59Z"');
    expect(all).toContain('"max_input_tokens":4096,"max_tokens":4096');
  });

  it('pages forwards and backwards from every model, at every limit, within the caller’s list only', async () => {
    for (const asker of askers) {
      const ids = await listedIds(asker);
      expect(ids.length).toBeGreaterThan(2);
      const caller = await callerOfAsker(asker);
      for (const id of ids) {
        for (const limit of [1, 2, 20]) {
          for (const query of [
            { limit, after_id: id },
            { limit, before_id: id },
          ]) {
            const res = await page(asker, query);
            expect({ asker: asker.name, query, text: res.text }).toEqual({
              asker: asker.name,
              query,
              text: await expected(caller, query),
            });
          }
        }
      }
      const between = await page(asker, { after_id: ids[0], before_id: ids[ids.length - 1] });
      expect(between.body.data.map((m: { id: string }) => m.id)).toEqual(ids.slice(1, -1));
      expect(JSON.parse((await page(asker, { after_id: ids[ids.length - 1] })).text)).toEqual({
        data: [],
        first_id: null,
        last_id: null,
        has_more: false,
      });
    }
    // Nobody learns of a model outside its list, a key's allow-list included.
    expect(await listedIds(askers[1])).not.toContain('c/private');
    expect(await listedIds(askers[2])).toEqual(expect.arrayContaining(['c/public', 'c/granted', 'base/out']));
    expect((await listedIds(askers[2])).sort()).toEqual(['base/out', 'c/granted', 'c/public']);
    for (const cursor of ['c/private', 'c/own']) {
      const res = await page(askers[2], { after_id: cursor });
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('"data"');
    }
  });

  it('shows a model, its base model and its grants changed by the API or by SQL in the next page', async () => {
    await expectFresh();
    expect((await modelApi(t, admin).update({ id: 'c/public', name: 'Renamed by the API' })).status).toBe(200);
    await expectFresh();
    await t.dataSource.query(
      `UPDATE models SET name = 'Renamed by SQL', max_output_tokens = 77 WHERE id = 'c/granted'`,
    );
    await expectFresh();
    await t.dataSource.query(`UPDATE models SET context_length = 999, max_output_tokens = 55 WHERE id = 'base/a'`);
    await expectFresh();
    await t.dataSource.query(`UPDATE models SET created_at = 1800000000 WHERE id = 'c/own-2'`);
    await expectFresh();
    await t.dataSource.query(`UPDATE models SET meta = '{"hidden": true}' WHERE id = 'c/own'`);
    await expectFresh();
    await t.dataSource.query(`UPDATE models SET is_active = false WHERE id = 'base/out'`);
    await expectFresh();
    expect(await listedIds(askers[1])).not.toContain('модель/日本-ü');
    await t.dataSource.query(`UPDATE models SET is_active = true WHERE id = 'base/out'`);
    await setGrants(t, admin, 'c/granted', [userGrant(bob.id)]);
    await expectFresh();
    await setGrants(t, admin, 'c/private', [groupGrant(team)]);
    await expectFresh();
    expect(await listedIds(askers[2])).toContain('c/private');
    await t.dataSource.query(`DELETE FROM access_grants WHERE model_id IN ('c/granted', 'c/private')`);
    await expectFresh();
    expect(await listedIds(askers[1])).not.toContain('c/granted');
    expect(await listedIds(askers[2])).not.toContain('c/private');
  });
});
