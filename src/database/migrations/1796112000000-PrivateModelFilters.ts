import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The private share of a filtered list count, and the public share of a tag's, from narrow copies
 * that stay in shared buffers (README, Performance; docs/scaling.md, "Filtered counts"):
 *
 * - `private_models`: the private custom models' filter columns (id, owner, readers, tags,
 *   search), kept exact by row triggers on models like public_models, with one GIN index over
 *   (readers, tags, search). A filtered count visits one heap tuple per match (GIN cannot answer
 *   a count alone, and pg_trgm's LIKE is lossy); on models that was a page of the wide table
 *   (125 MB at 100,000 models, most of shared_buffers), here a page of a 33 MB copy. It replaces
 *   models_private_filter_idx, so a models write keeps one GIN index of these columns, not two.
 * - `public_model_tags`: one (tag, id) row per tag of a public custom model, a B-tree whose
 *   index-only scan counts a tag's public models (16,331 at a million models: 13 ms through
 *   public_models' bitmap, which visited nearly every page of it).
 *
 * Both follow insert, delete, truncate and any update of a column they hold or of what makes a
 * model custom and public or private (grants change is_public and readers through
 * refresh_model_access, which updates models and so fires the same triggers). Group membership is
 * not copied anywhere: readers name groups, so adding a member changes nothing here.
 */
export class PrivateModelFilters1796112000000 implements MigrationInterface {
  name = 'PrivateModelFilters1796112000000';

  async up(q: QueryRunner): Promise<void> {
    // The index builds take longer than the pool's 30 s statement timeout at a million models;
    // migrations run in one transaction, so these end with it. A GIN build sorts its entries in
    // maintenance_work_mem: more memory, fewer passes.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await q.query(`CREATE TABLE private_models (
        id text COLLATE "C" PRIMARY KEY,
        user_id uuid,
        readers text[] NOT NULL,
        tags text[] NOT NULL,
        search text NOT NULL
      )`);
    await q.query(`ALTER TABLE private_models ALTER COLUMN search SET STATISTICS 1000`);
    await q.query(`CREATE TABLE public_model_tags (
        tag text NOT NULL,
        id text COLLATE "C" NOT NULL,
        PRIMARY KEY (tag, id)
      )`);
    await q.query(FUNCTIONS);
    // The triggers lock models against writes until this transaction ends, so the copies taken
    // next miss no concurrent write.
    await q.query(TRIGGERS);
    await q.query(`INSERT INTO private_models (id, user_id, readers, tags, search)
        SELECT id, user_id, readers, tags, search FROM models
         WHERE NOT is_public AND base_model_id IS NOT NULL ORDER BY user_id, id`);
    await q.query(`INSERT INTO public_model_tags (tag, id)
        SELECT DISTINCT t.tag, m.id FROM public_models m, unnest(m.tags) AS t(tag)`);
    await q.query(
      `CREATE INDEX private_models_filter_idx ON private_models USING gin (readers, tags, search gin_trgm_ops)`,
    );
    // A rare word is counted from its trigrams alone (41 private models for the typical user's
    // 'numismatic' on the company shape, each tested for readers: 0.8 ms), where the combined
    // index must read the posting lists of all the caller's principals (24,547 entries: 7 ms).
    // PostgreSQL picks per statement; a tag has no index of its own here, so it always takes the
    // combined one (a tag alone matched 14,488 private models, 31 ms to test each).
    await q.query(`CREATE INDEX private_models_search_idx ON private_models USING gin (search gin_trgm_ops)`);
    await q.query(`CREATE INDEX private_models_user_idx ON private_models (user_id)`);
    await q.query(`DROP INDEX models_private_filter_idx`);
    await q.query(`ANALYZE private_models`);
    await q.query(`ANALYZE public_model_tags`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    for (const event of ['inserted', 'updated', 'deleted', 'truncated']) {
      await q.query(`DROP TRIGGER models_private_filters_${event} ON models`);
    }
    await q.query(`DROP FUNCTION private_models_sync()`);
    await q.query(`DROP FUNCTION private_models_truncated()`);
    await q.query(ORIGINAL_PUBLIC_FUNCTIONS);
    await q.query(`DROP TABLE public_model_tags`);
    await q.query(`DROP TABLE private_models`);
    await q.query(
      `CREATE INDEX models_private_filter_idx ON models USING gin (readers, tags, search gin_trgm_ops)
         WHERE NOT is_public AND base_model_id IS NOT NULL`,
    );
  }
}

/**
 * public_models_sync (migration PublicModelFilters, same triggers) now keeps public_model_tags too;
 * private_models_sync does for private_models what it does for public_models: take the old row
 * out if it was there, put the new one in if it belongs.
 */
const FUNCTIONS = `
CREATE OR REPLACE FUNCTION public_models_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM public_models WHERE id = OLD.id;
    DELETE FROM public_model_tags WHERE tag = ANY(OLD.tags) AND id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.is_public AND NEW.base_model_id IS NOT NULL THEN
    INSERT INTO public_models (id, user_id, tags, search) VALUES (NEW.id, NEW.user_id, NEW.tags, NEW.search);
    INSERT INTO public_model_tags (tag, id) SELECT DISTINCT t.tag, NEW.id FROM unnest(NEW.tags) AS t(tag);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION public_models_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE public_models, public_model_tags;
  RETURN NULL;
END $$;
CREATE FUNCTION private_models_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM private_models WHERE id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NOT NEW.is_public AND NEW.base_model_id IS NOT NULL THEN
    INSERT INTO private_models (id, user_id, readers, tags, search)
      VALUES (NEW.id, NEW.user_id, NEW.readers, NEW.tags, NEW.search);
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION private_models_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE private_models;
  RETURN NULL;
END $$;
`;

const TRIGGERS = `
CREATE TRIGGER models_private_filters_inserted AFTER INSERT ON models
  FOR EACH ROW WHEN (NOT NEW.is_public AND NEW.base_model_id IS NOT NULL) EXECUTE FUNCTION private_models_sync();
CREATE TRIGGER models_private_filters_deleted AFTER DELETE ON models
  FOR EACH ROW WHEN (NOT OLD.is_public AND OLD.base_model_id IS NOT NULL) EXECUTE FUNCTION private_models_sync();
CREATE TRIGGER models_private_filters_updated AFTER UPDATE ON models
  FOR EACH ROW WHEN ((NOT OLD.is_public AND OLD.base_model_id IS NOT NULL OR NOT NEW.is_public AND NEW.base_model_id IS NOT NULL)
    AND (OLD.id, OLD.user_id, OLD.readers, OLD.tags, OLD.search, OLD.is_public, OLD.base_model_id IS NULL)
        IS DISTINCT FROM (NEW.id, NEW.user_id, NEW.readers, NEW.tags, NEW.search, NEW.is_public, NEW.base_model_id IS NULL))
  EXECUTE FUNCTION private_models_sync();
CREATE TRIGGER models_private_filters_truncated AFTER TRUNCATE ON models
  FOR EACH STATEMENT EXECUTE FUNCTION private_models_truncated();
`;

/** The functions as migration PublicModelFilters created them. */
const ORIGINAL_PUBLIC_FUNCTIONS = `
CREATE OR REPLACE FUNCTION public_models_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM public_models WHERE id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.is_public AND NEW.base_model_id IS NOT NULL THEN
    INSERT INTO public_models (id, user_id, tags, search) VALUES (NEW.id, NEW.user_id, NEW.tags, NEW.search);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION public_models_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE public_models;
  RETURN NULL;
END $$;
`;
