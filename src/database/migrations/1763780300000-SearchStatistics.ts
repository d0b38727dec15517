import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * With the default statistics target PostgreSQL guesses ~1,000 models for any `search LIKE
 * '%word%'`, so a rare word was sorted by walking the created_at index instead of taking the
 * trigram index (figures: README, Performance). A larger sample of the search column makes its
 * LIKE estimates close to the truth for rare and common words alike.
 */
export class SearchStatistics1763780300000 implements MigrationInterface {
  name = 'SearchStatistics1763780300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ALTER COLUMN search SET STATISTICS 1000`);
    await q.query(`ANALYZE models`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ALTER COLUMN search SET STATISTICS -1`);
    await q.query(`ANALYZE models`);
  }
}
