import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's Anthropic list walks active models newest first (created_at DESC, id DESC;
 * before_id pages the other way). The workspace-list indexes are partial on custom models, so
 * without this one every Anthropic page sorted all readable models (seconds at 100,000 models).
 */
export class GatewayNewestIndex1763780200000 implements MigrationInterface {
  name = 'GatewayNewestIndex1763780200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX models_active_created_idx ON models (created_at, id) WHERE is_active`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX models_active_created_idx`);
  }
}
