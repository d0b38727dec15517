import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-your-writes with read replicas: per caller, the primary's WAL position after its latest
 * write; a replica serves that caller only once it has replayed that far (src/database/read-router.ts).
 * Read and written on the primary only. No foreign key: a deleted user's row is harmless.
 */
export class CallerWritePositions1796045000835 implements MigrationInterface {
  name = 'CallerWritePositions1796045000835';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE caller_write_positions (
        user_id uuid PRIMARY KEY,
        lsn pg_lsn NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE caller_write_positions`);
  }
}
