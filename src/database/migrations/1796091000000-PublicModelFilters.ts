import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A filtered list count (tag, query) split in two (README, Performance; docs/access.md), so that
 * neither part rechecks who may read a public model:
 *
 * - `public_models`: the public custom models' filter columns (id, owner, tags, search), kept
 *   exact by triggers on models, with their own tag and trigram indexes: the public share of a
 *   filtered count is a bitmap count over a narrow table, with no access test at all.
 * - `models_private_filter_idx`: one GIN index over (readers, tags, search) of the private custom
 *   models only, so the private share is one bitmap AND of "readers && the caller's principals"
 *   with the filter (and the caller's own models, models_user_idx).
 *
 * The copy follows every write of models: insert, delete, and any update of a column it holds or
 * of what makes a model public and custom (grants change is_public through refresh_model_access,
 * which updates models and so fires the same trigger). Hidden and disabled models are counted by
 * the list, so the copy holds them too.
 */
export class PublicModelFilters1796091000000 implements MigrationInterface {
  name = 'PublicModelFilters1796091000000';

  async up(q: QueryRunner): Promise<void> {
    // The private index takes longer than the pool's 30 s statement timeout at a million models
    // (figures: README, Performance); migrations run in one transaction, so this ends with it.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`CREATE TABLE public_models (
        id text COLLATE "C" PRIMARY KEY,
        user_id uuid,
        tags text[] NOT NULL,
        search text NOT NULL
      )`);
    await q.query(`ALTER TABLE public_models ALTER COLUMN search SET STATISTICS 1000`);
    await q.query(`INSERT INTO public_models (id, user_id, tags, search)
        SELECT id, user_id, tags, search FROM models WHERE is_public AND base_model_id IS NOT NULL`);
    await q.query(`CREATE INDEX public_models_tags_idx ON public_models USING gin (tags)`);
    await q.query(`CREATE INDEX public_models_search_trgm_idx ON public_models USING gin (search gin_trgm_ops)`);
    await q.query(`CREATE INDEX public_models_user_idx ON public_models (user_id)`);
    await q.query(
      `CREATE INDEX models_private_filter_idx ON models USING gin (readers, tags, search gin_trgm_ops)
         WHERE NOT is_public AND base_model_id IS NOT NULL`,
    );
    await q.query(TRIGGERS);
    await q.query(`ANALYZE public_models`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const event of ['inserted', 'updated', 'deleted', 'truncated']) {
      await q.query(`DROP TRIGGER models_public_filters_${event} ON models`);
    }
    await q.query(`DROP FUNCTION public_models_sync()`);
    await q.query(`DROP FUNCTION public_models_truncated()`);
    await q.query(`DROP INDEX models_private_filter_idx`);
    await q.query(`DROP TABLE public_models`);
  }
}

/**
 * One function for every row event: take the old row out of the copy if it was there, put the
 * new one in if it belongs. The WHEN clauses keep every other write (a private model, an edit of
 * params or meta) from calling it at all.
 */
const TRIGGERS = `
CREATE FUNCTION public_models_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM public_models WHERE id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.is_public AND NEW.base_model_id IS NOT NULL THEN
    INSERT INTO public_models (id, user_id, tags, search) VALUES (NEW.id, NEW.user_id, NEW.tags, NEW.search);
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION public_models_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE public_models;
  RETURN NULL;
END $$;
CREATE TRIGGER models_public_filters_inserted AFTER INSERT ON models
  FOR EACH ROW WHEN (NEW.is_public AND NEW.base_model_id IS NOT NULL) EXECUTE FUNCTION public_models_sync();
CREATE TRIGGER models_public_filters_deleted AFTER DELETE ON models
  FOR EACH ROW WHEN (OLD.is_public AND OLD.base_model_id IS NOT NULL) EXECUTE FUNCTION public_models_sync();
CREATE TRIGGER models_public_filters_updated AFTER UPDATE ON models
  FOR EACH ROW WHEN ((OLD.is_public AND OLD.base_model_id IS NOT NULL OR NEW.is_public AND NEW.base_model_id IS NOT NULL)
    AND (OLD.id, OLD.user_id, OLD.tags, OLD.search, OLD.is_public, OLD.base_model_id IS NULL)
        IS DISTINCT FROM (NEW.id, NEW.user_id, NEW.tags, NEW.search, NEW.is_public, NEW.base_model_id IS NULL))
  EXECUTE FUNCTION public_models_sync();
CREATE TRIGGER models_public_filters_truncated AFTER TRUNCATE ON models
  FOR EACH STATEMENT EXECUTE FUNCTION public_models_truncated();
`;
