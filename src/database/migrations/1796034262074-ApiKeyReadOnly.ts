import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A key may be created read-only; a key with a token group or an allow-list always is
 * (docs/access.md, API keys). Existing narrowed keys become read-only, and the CHECK keeps any
 * later insert from storing a narrowed key that could write.
 */
export class ApiKeyReadOnly1796034262074 implements MigrationInterface {
  name = 'ApiKeyReadOnly1796034262074';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN read_only boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE api_keys SET read_only = true WHERE group_id IS NOT NULL OR models IS NOT NULL`);
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT api_keys_narrowed_read_only
       CHECK (read_only OR (group_id IS NULL AND models IS NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_narrowed_read_only`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN read_only`);
  }
}
