import { MigrationInterface, QueryRunner } from 'typeorm';

const SORTS = [
  ['models_custom_created_idx', 'created_at'],
  ['models_custom_updated_idx', 'updated_at'],
  ['models_custom_name_idx', 'name_sort'],
] as const;

/**
 * The list's page scan checks each row's readability (is_public, user_id) while walking a sort
 * index: carrying those columns in the index lets the walk skip the table. Grants are keyed by
 * permission too, so "write grants of these principals" no longer reads every public read grant.
 */
export class CoveringListIndexes1763780400000 implements MigrationInterface {
  name = 'CoveringListIndexes1763780400000';

  async up(q: QueryRunner): Promise<void> {
    for (const [index, column] of SORTS) {
      await q.query(`DROP INDEX ${index}`);
      await q.query(
        `CREATE INDEX ${index} ON models (${column}, id) INCLUDE (is_public, user_id) WHERE base_model_id IS NOT NULL`,
      );
    }
    // The public share is counted from this index alone, view_option=shared included (user_id).
    await q.query(`DROP INDEX models_public_created_idx`);
    await q.query(
      `CREATE INDEX models_public_created_idx ON models (created_at, id) INCLUDE (user_id) WHERE is_public AND base_model_id IS NOT NULL`,
    );
    await q.query(`DROP INDEX access_grants_principal_idx`);
    await q.query(
      `CREATE INDEX access_grants_principal_idx ON access_grants (principal_type, principal_id, permission, model_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX models_public_created_idx`);
    await q.query(
      `CREATE INDEX models_public_created_idx ON models (created_at, id) WHERE is_public AND base_model_id IS NOT NULL`,
    );
    await q.query(`DROP INDEX access_grants_principal_idx`);
    await q.query(
      `CREATE INDEX access_grants_principal_idx ON access_grants (principal_type, principal_id, model_id) INCLUDE (permission)`,
    );
    for (const [index, column] of SORTS) {
      await q.query(`DROP INDEX ${index}`);
      await q.query(`CREATE INDEX ${index} ON models (${column}, id) WHERE base_model_id IS NOT NULL`);
    }
  }
}
