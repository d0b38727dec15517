import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The capability filter (docs/api.md, "Filters") asks `meta->'capabilities' @> {"vision": true, ...}`:
 * a GIN index on that expression lets PostgreSQL meet it with the readers index in one bitmap
 * instead of reading every model the caller can see. The other filters compare values a custom
 * model may inherit from its base model (COALESCE over two rows), which no index on one row can
 * answer; they narrow rows the access and paging indexes have already chosen.
 */
export class CapabilityIndex1796050561280 implements MigrationInterface {
  name = 'CapabilityIndex1796050561280';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX models_capabilities_idx ON models USING gin ((meta->'capabilities') jsonb_path_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX models_capabilities_idx`);
  }
}
