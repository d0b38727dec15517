import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The people search (GET /api/users/search) sorts by name or email compared byte-wise on the
 * lower-cased text, ties broken by id: one index per sort, so a page is an index walk.
 * (created_at already has users_created_idx; the filter uses users_search_trgm_idx.)
 */
export class UserDirectoryIndexes1796038402000 implements MigrationInterface {
  name = 'UserDirectoryIndexes1796038402000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX users_name_sort_idx ON users ((lower(name) COLLATE "C"), id)`);
    await q.query(`CREATE INDEX users_email_sort_idx ON users ((email COLLATE "C"), id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_email_sort_idx`);
    await q.query(`DROP INDEX users_name_sort_idx`);
  }
}
