import request from 'supertest';
import { callerOf } from '../src/access/caller';
import type { AuthUser } from '../src/common/auth-user';
import { queryRows } from '../src/common/sql';
import { toListParams } from '../src/models/model-list.service';
import { listCountSql, listPageSql, type ModelRow } from '../src/models/model-read.sql';
import { ModelReader } from '../src/models/model-reader.service';
import { ModelRepository } from '../src/models/model.repository';
import { Actor, bearer } from './support/actors';
import {
  createCustomModel,
  groupGrant,
  publicGrant,
  setGrants,
  TINY_PNG_BASE64,
  userGrant,
} from './support/model-fixtures';
import { startKeptJsonWorld } from './support/kept-json-world';
import type { TestApp } from './support/test-app';

/**
 * The workspace list takes each model's JSON kept under its row version (model-list-json.ts): its
 * answer must stay the bytes JSON.stringify writes for the rows read afresh, after every kind of
 * write to a row the JSON comes from (the model, its grants, its base model, its owner), by the API
 * or by SQL, for a writer (params and grants shown) and a reader of the same models.
 */
describe('workspace list from JSON kept by row version', () => {
  let t: TestApp;
  let admin: Actor;
  let bob: Actor;
  let team: string;
  let listRows: jest.SpyInstance;

  beforeAll(async () => {
    // The answer cache off: every request builds its answer.
    ({ t, admin, bob, team } = await startKeptJsonWorld());
    await createCustomModel(t, admin, {
      id: 'c/public',
      base_model_id: 'base/a',
      name: 'Public "one" ☃ \u2028',
      params: { system: 'Be brief.', temperature: 0.5 },
      access_grants: [publicGrant()],
    });
    await createCustomModel(t, admin, {
      id: 'c/granted',
      base_model_id: 'base/a',
      params: { system: 'Secret prompt' },
      access_grants: [groupGrant(team)],
    });
    await createCustomModel(t, bob, { id: 'c/own', base_model_id: 'base/b', name: 'Bob’s own' });
    listRows = jest.spyOn(t.app.get(ModelRepository), 'listRows');
  });
  afterAll(() => t?.close());

  async function groupsOf(userId: string): Promise<string[]> {
    const rows = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT group_id::text AS id FROM group_members WHERE user_id = $1 ORDER BY group_id',
      [userId],
    );
    return rows.map((row) => row.id);
  }

  /** The list's answer as it was before JSON was kept: the page's rows read afresh, mapped and stringified. */
  async function expected(actor: Actor, query: Record<string, string> = {}): Promise<string> {
    const user = { id: actor.id, role: actor.role, groupIds: await groupsOf(actor.id), apiKey: null } as AuthUser;
    const caller = callerOf(user, { bypassAdminAccessControl: true });
    const params = toListParams(query);
    const rows = await queryRows<ModelRow>(t.dataSource, listPageSql(caller, params));
    const items = await t.app.get(ModelReader).toResponses(rows, { linkImages: true });
    const [{ total }] = await queryRows<{ total: number }>(t.dataSource, listCountSql(caller, params));
    return JSON.stringify({ items, total });
  }

  async function expectFresh(actor: Actor, query: Record<string, string> = {}): Promise<void> {
    const res = await request(t.server).get('/api/models/list').query(query).set(bearer(actor.token));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toBe(await expected(actor, query));
  }

  async function expectBothFresh(): Promise<void> {
    await expectFresh(admin);
    await expectFresh(bob);
  }

  it('answers the same bytes, and a repeated list reads no row again', async () => {
    await expectBothFresh();
    listRows.mockClear();
    await expectBothFresh();
    expect(listRows).not.toHaveBeenCalled();
  });

  it('shows a model changed by SQL, its owner renamed and its base model changed', async () => {
    await t.dataSource.query(
      `UPDATE models SET name = 'Renamed', meta = '{"description": "new", "n": 1.50}' WHERE id = 'c/public'`,
    );
    await expectBothFresh();
    await t.dataSource.query(`UPDATE users SET name = 'Admin Renamed', email = 'renamed@example.test' WHERE id = $1`, [
      admin.id,
    ]);
    await expectBothFresh();
    await t.dataSource.query(`UPDATE models SET context_length = 999, owned_by = 'acme' WHERE id = 'base/a'`);
    await expectBothFresh();
    await t.dataSource.query(`UPDATE models SET is_active = false WHERE id = 'c/own'`);
    await expectBothFresh();
  });

  it('shows changed grants to the writer, and params once a reader may write', async () => {
    await setGrants(t, admin, 'c/granted', [groupGrant(team, 'write'), userGrant(bob.id)]);
    await expectBothFresh();
    await setGrants(t, admin, 'c/granted', [groupGrant(team)]);
    await expectBothFresh();
    await t.dataSource.query(`DELETE FROM access_grants WHERE model_id = 'c/granted'`);
    await expectBothFresh();
  });

  it('keeps every order, view, filter and page of the list to its rows’ versions', async () => {
    // Each shape's page statement takes the rows' versions its own way (listPageVersionsSql): from
    // the rows its window reads, or by joining models; for a reader and a bypassing writer alike.
    const shapes: Array<Record<string, string>> = [
      {},
      { order_by: 'name', direction: 'asc' },
      { order_by: 'updated_at' },
      { view_option: 'shared' },
      { view_option: 'created', order_by: 'name' },
      { tag: 'legal' },
      { query: 'o' },
      { page: '2' },
    ];
    const expectShapes = async () => {
      for (const shape of shapes) for (const actor of [admin, bob]) await expectFresh(actor, shape);
    };
    await t.dataSource.query(`UPDATE models SET tags = '{legal}' WHERE id IN ('c/public', 'c/own')`);
    await expectShapes();
    listRows.mockClear();
    await expectShapes();
    expect(listRows).not.toHaveBeenCalled();
    await t.dataSource.query(`UPDATE users SET name = 'Bob Renamed' WHERE id = $1`, [bob.id]);
    await t.dataSource.query(`UPDATE users SET name = 'Admin Again' WHERE id = $1`, [admin.id]);
    await expectShapes();
    await t.dataSource.query(`UPDATE models SET owned_by = 'other', context_length = 7 WHERE base_model_id IS NULL`);
    await expectShapes();
    await t.dataSource.query(`UPDATE models SET meta = '{"description": "shapes"}' WHERE base_model_id IS NOT NULL`);
    await expectShapes();
  });

  it('links an inline image instead of sending it', async () => {
    await t.dataSource.query(`UPDATE models SET meta = $1::jsonb WHERE id = 'c/public'`, [
      JSON.stringify({ profile_image_url: `data:image/png;base64,${TINY_PNG_BASE64}`, description: 'pic' }),
    ]);
    await expectBothFresh();
    const res = await request(t.server).get('/api/models/list').set(bearer(admin.token));
    const model = (res.body.items as Array<{ id: string; meta: { profile_image_url: string } }>).find(
      (item) => item.id === 'c/public',
    );
    expect(model?.meta.profile_image_url).toBe('/api/models/model/profile/image?id=c%2Fpublic');
  });

  it('reads the whole page again when a row changes between the page and its rows', async () => {
    await t.dataSource.query(`UPDATE models SET name = 'Changed before listing' WHERE id = 'c/own'`);
    listRows.mockClear();
    listRows.mockImplementationOnce(async (...args: Parameters<ModelRepository['listRows']>) => {
      await t.dataSource.query(`UPDATE models SET name = 'Changed meanwhile' WHERE id = 'c/own'`);
      return ModelRepository.prototype.listRows.apply(t.app.get(ModelRepository), args);
    });
    const res = await request(t.server).get('/api/models/list').set(bearer(bob.token));
    expect(res.status).toBe(200);
    expect(res.text).toBe(await expected(bob));
    expect(res.text).toContain('Changed meanwhile');
    expect(listRows).toHaveBeenCalledTimes(1);
  });
});
