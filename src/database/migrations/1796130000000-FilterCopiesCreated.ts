import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The narrow copies of the custom models (public_models, private_models: migrations
 * PublicModelFilters and PrivateModelFilters) carry `created_at` too, with a (created_at, id)
 * B-tree each, so the newest-first page of a search or tag list is chosen from them as its count
 * is: the public matches with no access test, the private ones where `readers` and the filter meet
 * (README, Performance; docs/scaling.md, "Filtered counts"). The page walked the wide models table
 * instead, testing the word on every row it passed: 2,805 rows (8.4 ms) for 30 of `coder`.
 *
 * The copies are filled again from models rather than updated in place: an UPDATE of every row
 * would add an entry to each GIN index per row; a fresh build is what the first migrations did.
 * The triggers now copy `created_at` and fire when it changes.
 */
export class FilterCopiesCreated1796130000000 implements MigrationInterface {
  name = 'FilterCopiesCreated1796130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    // Writers of models wait until this transaction ends (the triggers and the copies change together).
    await q.query(`LOCK TABLE models IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(syncFunctions(true));
    await replaceUpdateTriggers(q, true);
    for (const index of COPY_INDEXES) await q.query(`DROP INDEX ${index.name}`);
    await q.query(`TRUNCATE public_models, private_models`);
    await q.query(`ALTER TABLE public_models ADD COLUMN created_at bigint NOT NULL`);
    await q.query(`ALTER TABLE private_models ADD COLUMN created_at bigint NOT NULL`);
    await q.query(`INSERT INTO public_models (id, user_id, tags, search, created_at)
        SELECT id, user_id, tags, search, created_at FROM models
         WHERE is_public AND base_model_id IS NOT NULL ORDER BY id`);
    await q.query(`INSERT INTO private_models (id, user_id, readers, tags, search, created_at)
        SELECT id, user_id, readers, tags, search, created_at FROM models
         WHERE NOT is_public AND base_model_id IS NOT NULL ORDER BY user_id, id`);
    for (const index of COPY_INDEXES) await q.query(index.definition);
    await q.query(`CREATE INDEX public_models_created_idx ON public_models (created_at, id)`);
    await q.query(`CREATE INDEX private_models_created_idx ON private_models (created_at, id)`);
    // The copies' search columns were sampled at 1,000 (as models.search is, migration
    // SearchStatistics): estimating a LIKE then tests the word against up to 2,000 sampled values
    // per copy, which cost more than running the page or the count once a statement names the copies
    // three times (planning 1.83 against 0.77 ms at 100, bench profile, `coder`).
    for (const table of ['public_models', 'private_models']) {
      await q.query(`ALTER TABLE ${table} ALTER COLUMN search SET STATISTICS 100`);
      await q.query(`ANALYZE ${table}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE models IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`ALTER TABLE public_models ALTER COLUMN search SET STATISTICS 1000`);
    await q.query(`ALTER TABLE private_models ALTER COLUMN search SET STATISTICS 1000`);
    await q.query(syncFunctions(false));
    await replaceUpdateTriggers(q, false);
    await q.query(`DROP INDEX public_models_created_idx`);
    await q.query(`DROP INDEX private_models_created_idx`);
    await q.query(`ALTER TABLE public_models DROP COLUMN created_at`);
    await q.query(`ALTER TABLE private_models DROP COLUMN created_at`);
  }
}

/** The copies' secondary indexes as migrations PublicModelFilters and PrivateModelFilters made them. */
const COPY_INDEXES = [
  {
    name: 'public_models_tags_idx',
    definition: `CREATE INDEX public_models_tags_idx ON public_models USING gin (tags)`,
  },
  {
    name: 'public_models_search_trgm_idx',
    definition: `CREATE INDEX public_models_search_trgm_idx ON public_models USING gin (search gin_trgm_ops)`,
  },
  { name: 'public_models_user_idx', definition: `CREATE INDEX public_models_user_idx ON public_models (user_id)` },
  {
    name: 'private_models_filter_idx',
    definition: `CREATE INDEX private_models_filter_idx ON private_models USING gin (readers, tags, search gin_trgm_ops)`,
  },
  {
    name: 'private_models_search_idx',
    definition: `CREATE INDEX private_models_search_idx ON private_models USING gin (search gin_trgm_ops)`,
  },
  { name: 'private_models_user_idx', definition: `CREATE INDEX private_models_user_idx ON private_models (user_id)` },
];

/** The update triggers of both copies, firing also when `created_at` changes (withCreated) or not. */
async function replaceUpdateTriggers(q: QueryRunner, withCreated: boolean): Promise<void> {
  const columns = (row: string, readers: boolean) =>
    [`${row}.id`, `${row}.user_id`, ...(readers ? [`${row}.readers`] : []), `${row}.tags`, `${row}.search`]
      .concat(withCreated ? [`${row}.created_at`] : [], [`${row}.is_public`, `${row}.base_model_id IS NULL`])
      .join(', ');
  await q.query(`DROP TRIGGER models_public_filters_updated ON models`);
  await q.query(`CREATE TRIGGER models_public_filters_updated AFTER UPDATE ON models
  FOR EACH ROW WHEN ((OLD.is_public AND OLD.base_model_id IS NOT NULL OR NEW.is_public AND NEW.base_model_id IS NOT NULL)
    AND (${columns('OLD', false)}) IS DISTINCT FROM (${columns('NEW', false)}))
  EXECUTE FUNCTION public_models_sync()`);
  await q.query(`DROP TRIGGER models_private_filters_updated ON models`);
  await q.query(`CREATE TRIGGER models_private_filters_updated AFTER UPDATE ON models
  FOR EACH ROW WHEN ((NOT OLD.is_public AND OLD.base_model_id IS NOT NULL OR NOT NEW.is_public AND NEW.base_model_id IS NOT NULL)
    AND (${columns('OLD', true)}) IS DISTINCT FROM (${columns('NEW', true)}))
  EXECUTE FUNCTION private_models_sync()`);
}

/**
 * public_models_sync and private_models_sync as migration PrivateModelFilters left them
 * (withCreated false) or copying created_at too: the same functions but for that column.
 */
function syncFunctions(withCreated: boolean): string {
  const created = (row: string) => (withCreated ? `, ${row}created_at` : '');
  return `
CREATE OR REPLACE FUNCTION public_models_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM public_models WHERE id = OLD.id;
    DELETE FROM public_model_tags WHERE tag = ANY(OLD.tags) AND id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.is_public AND NEW.base_model_id IS NOT NULL THEN
    INSERT INTO public_models (id, user_id, tags, search${created('')})
      VALUES (NEW.id, NEW.user_id, NEW.tags, NEW.search${created('NEW.')});
    INSERT INTO public_model_tags (tag, id) SELECT DISTINCT t.tag, NEW.id FROM unnest(NEW.tags) AS t(tag);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION private_models_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM private_models WHERE id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NOT NEW.is_public AND NEW.base_model_id IS NOT NULL THEN
    INSERT INTO private_models (id, user_id, readers, tags, search${created('')})
      VALUES (NEW.id, NEW.user_id, NEW.readers, NEW.tags, NEW.search${created('NEW.')});
  END IF;
  RETURN NULL;
END $$;
`;
}
