import fc from 'fast-check';
import { publicGrant } from './support/model-fixtures';
import { modelApi } from './support/model-fixtures';
import { buildWorld, grantsOf, modelPlan, type World } from './support/random-world';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The import writes each new model once (src/models/import/import.sql.ts): its row already holds
 * the readers, writers and is_public of its grants, and its grants their private_custom and
 * groups_before, so the grants' refresh trigger (migration ModelReaders) finds nothing to rewrite.
 * These tests hold that, hold the copies and counts that follow models (public_models,
 * public_model_tags, private_models, model_counts) exact after an import, and hold that a chunk
 * the database refuses leaves nothing behind.
 */
jest.setTimeout(180_000);

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
  // Counts every UPDATE of a model or grant row from here on (this test database only).
  await t.dataSource.query(`CREATE TABLE rewritten (tbl text, id text)`);
  await t.dataSource.query(`CREATE FUNCTION note_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO rewritten VALUES (TG_TABLE_NAME, COALESCE(to_jsonb(NEW) ->> 'model_id', to_jsonb(NEW) ->> 'id'));
    RETURN NULL; END $$`);
  for (const table of ['models', 'access_grants']) {
    await t.dataSource.query(
      `CREATE TRIGGER ${table}_rewritten AFTER UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION note_rewrite()`,
    );
  }
});
afterAll(() => t?.close());

const query = <T>(text: string, values: unknown[] = []): Promise<T[]> => t.dataSource.query(text, values);

/** The copies and kept counts equal what they are kept from, and a refresh of every model changes nothing. */
async function expectDerivedExact(): Promise<void> {
  const own = `id, user_id::text AS user_id, tags, search`;
  expect(await query(`SELECT ${own} FROM public_models ORDER BY id`)).toEqual(
    await query(`SELECT ${own} FROM models WHERE is_public AND base_model_id IS NOT NULL ORDER BY id`),
  );
  expect(await query(`SELECT tag, id FROM public_model_tags ORDER BY tag, id`)).toEqual(
    await query(`SELECT DISTINCT tag, id FROM public_models, unnest(tags) AS tag ORDER BY tag, id`),
  );
  const priv = `id, user_id::text AS user_id, readers, tags, search`;
  expect(await query(`SELECT ${priv} FROM private_models ORDER BY id`)).toEqual(
    await query(`SELECT ${priv} FROM models WHERE NOT is_public AND base_model_id IS NOT NULL ORDER BY id`),
  );
  expect(await query(`SELECT sum(custom)::int AS custom, sum(public_custom)::int AS public FROM model_counts`)).toEqual(
    await query(`SELECT count(*) FILTER (WHERE base_model_id IS NOT NULL)::int AS custom,
                        count(*) FILTER (WHERE base_model_id IS NOT NULL AND is_public)::int AS public FROM models`),
  );
  const key = `principal_type, principal_id, groups_before::text AS groups_before`;
  expect(
    await query(
      `SELECT ${key}, sum(n)::int AS n FROM private_grant_counts GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3`,
    ),
  ).toEqual(
    await query(
      `SELECT ${key}, count(*)::int AS n FROM access_grants WHERE private_custom GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ),
  );
  await query(`DELETE FROM rewritten`);
  await query(`SELECT refresh_model_access(ARRAY(SELECT id FROM models))`);
  expect(await query(`SELECT * FROM rewritten`)).toEqual([]);
}

/**
 * Trigger `name` refuses any grant statement that writes grants of several models at once, one of
 * them starting with `prefix`: a chunk's statement, never the one-by-one fallback's.
 */
async function refuseChunksOf(name: string, prefix: string): Promise<void> {
  await query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM new_rows WHERE model_id LIKE '${prefix}%')
         AND (SELECT count(DISTINCT model_id) FROM new_rows) > 1 THEN
        RAISE EXCEPTION 'refused by the test';
      END IF;
      RETURN NULL;
    END $$`);
  await query(`CREATE TRIGGER ${name} AFTER INSERT ON access_grants REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`);
}

describe('import of new models with grants', () => {
  it('writes each model and grant once, with the access columns its grants give, and the copies and counts follow', async () => {
    const plans = fc.array(fc.tuple(modelPlan, fc.boolean()), { minLength: 1, maxLength: 40 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(plans, async (planned) => {
        run += 1;
        const items = planned.map(([plan, viaAdmin], i) => ({
          id: `run${run}/${plan.slug}:${i}`,
          name: plan.name,
          base_model_id: plan.base,
          meta: { description: plan.description, tags: plan.tags },
          // The admin imports public models (user:* with the others); a user cannot (left out, warned).
          access_grants: [...grantsOf(world, plan), ...(plan.isPublic && viaAdmin ? [publicGrant()] : [])],
          importer: viaAdmin ? 0 : plan.owner,
        }));
        await query(`DELETE FROM rewritten`);
        for (const [person, { actor }] of world.people.entries()) {
          const mine = items.filter((item) => item.importer === person).map(({ importer: _, ...item }) => item);
          if (mine.length === 0) continue;
          const res = await modelApi(t, actor).importModels(mine);
          expect(res.status).toBe(200);
          expect((res.body.results as Array<{ status: string }>).map((r) => r.status)).toEqual(
            mine.map(() => 'created'),
          );
        }
        expect(await query(`SELECT tbl, id FROM rewritten`)).toEqual([]);
        const stored = await query<{ n: number }>(`SELECT count(*)::int AS n FROM models WHERE id LIKE $1`, [
          `run${run}/%`,
        ]);
        expect(stored).toEqual([{ n: items.length }]);
        await expectDerivedExact();
      }),
      { numRuns: Number(process.env.IMPORT_WRITES_RUNS ?? 10), endOnFailure: true },
    );
  });

  it('leaves nothing of a chunk the database refuses, and imports its models one by one', async () => {
    const [admin, zoe] = world.people;
    await refuseChunksOf('refuse_chunk', 'boom/');
    try {
      const before = await query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
      const items = ['boom/a', 'boom/b', 'boom/c'].map((id, i) => ({
        id,
        name: `Boom ${i}`,
        base_model_id: 'acme/base-one',
        meta: { tags: ['Alpha'] },
        access_grants: [
          { principal_type: 'user', principal_id: zoe.id, permission: 'write' },
          { principal_type: 'group', principal_id: world.groupIds[i % 3], permission: 'read' },
          ...(i === 1 ? [publicGrant()] : []),
        ],
      }));
      const res = await modelApi(t, admin.actor).importModels(items);
      expect(res.status).toBe(200);
      expect((res.body.results as Array<{ status: string }>).map((r) => r.status)).toEqual([
        'created',
        'created',
        'created',
      ]);
      // Each model whole, once: one history version and one audit record each (none from the refused chunk).
      expect(
        await query(`SELECT model_id, count(*)::int AS n FROM model_history WHERE model_id LIKE 'boom/%'
                      GROUP BY model_id ORDER BY model_id`),
      ).toEqual(items.map(({ id }) => ({ model_id: id, n: 1 })));
      const after = await query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
      expect(after[0].n - before[0].n).toBe(3);
      expect(
        await query(`SELECT model_id, count(*)::int AS n FROM access_grants WHERE model_id LIKE 'boom/%'
                      GROUP BY model_id ORDER BY model_id`),
      ).toEqual([
        { model_id: 'boom/a', n: 2 },
        { model_id: 'boom/b', n: 3 },
        { model_id: 'boom/c', n: 2 },
      ]);
      expect(await query(`SELECT id, is_public FROM models WHERE id LIKE 'boom/%' ORDER BY id`)).toEqual([
        { id: 'boom/a', is_public: false },
        { id: 'boom/b', is_public: true },
        { id: 'boom/c', is_public: false },
      ]);
      await expectDerivedExact();
    } finally {
      await query(`DROP TRIGGER refuse_chunk ON access_grants`);
    }
  });

  it('writes independent chunks at once, each whole, and retries a refused one model by model', async () => {
    const [admin, zoe] = world.people;
    // Each chunk's model insert (not the one-by-one's) waits a little and notes how many model inserts are running, its own included.
    await query(`CREATE TABLE overlap (running int)`);
    await query(`CREATE FUNCTION note_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT count(*) FROM new_rows) > 1 THEN
          PERFORM pg_sleep(0.4);
          INSERT INTO overlap SELECT count(*) FROM pg_stat_activity
           WHERE state = 'active' AND query LIKE 'INSERT INTO models (%';
        END IF;
        RETURN NULL;
      END $$`);
    await query(
      `CREATE TRIGGER note_overlap AFTER INSERT ON models REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION note_overlap()`,
    );
    await refuseChunksOf('refuse_wide_chunk', 'wide/boom');
    try {
      // 1,010 models, chunks of 500, 500 and 10; the last holds the model that makes the database refuse it.
      const items = Array.from({ length: 1010 }, (_, i) => ({
        id: i === 1005 ? 'wide/boom' : `wide/${i}`,
        name: `Wide ${i}`,
        base_model_id: 'acme/base-one',
        access_grants: [
          { principal_type: 'user', principal_id: zoe.id, permission: i % 2 ? 'write' : 'read' },
          { principal_type: 'group', principal_id: world.groupIds[i % 3], permission: 'read' },
        ],
      }));
      const res = await modelApi(t, admin.actor).importModels(items);
      expect(res.status).toBe(200);
      expect((res.body.results as Array<{ id: string; status: string }>).map((r) => [r.id, r.status])).toEqual(
        items.map((item) => [item.id, 'created']),
      );
      expect(await query(`SELECT max(running)::int AS most FROM overlap`)).toEqual([{ most: 2 }]);
      expect(
        await query(`SELECT count(*)::int AS models, sum((SELECT count(*) FROM access_grants g WHERE g.model_id = m.id))::int AS grants,
                            sum((SELECT count(*) FROM model_history h WHERE h.model_id = m.id))::int AS versions
                       FROM models m WHERE m.id LIKE 'wide/%'`),
      ).toEqual([{ models: 1010, grants: 2020, versions: 1010 }]);
      await expectDerivedExact();
    } finally {
      await query(`DROP TRIGGER note_overlap ON models`);
      await query(`DROP TRIGGER refuse_wide_chunk ON access_grants`);
    }
  });

  it('writes chunks in order when one builds on or repeats a model of another', async () => {
    const [admin] = world.people;
    const items = Array.from({ length: 700 }, (_, i) => ({
      id: i === 650 ? 'order/1' : `order/${i}`,
      name: `Order ${i}`,
      // The first is a base model; the 600th, in the second chunk, builds on it.
      base_model_id: i === 0 ? undefined : i === 600 ? 'order/0' : 'acme/base-one',
      owned_by: i === 0 ? 'test' : undefined,
    }));
    const res = await modelApi(t, admin.actor).importModels(items);
    expect(res.status).toBe(200);
    const results = res.body.results as Array<{ id: string; status: string }>;
    expect(results.filter((r) => r.status !== 'created')).toEqual([{ id: 'order/1', status: 'updated' }]);
    expect(
      await query(`SELECT base_model_id, name FROM models WHERE id IN ('order/600', 'order/1') ORDER BY id`),
    ).toEqual([
      { base_model_id: 'acme/base-one', name: 'Order 650' },
      { base_model_id: 'order/0', name: 'Order 600' },
    ]);
  });
});
