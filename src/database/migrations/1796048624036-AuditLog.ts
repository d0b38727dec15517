import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (docs/audit.md): one row per change to a model, its grants, a group's members, a
 * user's role, or an API key, written in the change's own transaction. Records are never changed
 * or deleted: a trigger refuses UPDATE, DELETE and TRUNCATE for every role, and the role running
 * the migrations (the service's) loses those privileges too. A superuser (the embedded server's
 * role, or `postgres`) keeps its privileges, but the trigger still stops it short of disabling it.
 */
export class AuditLog1796048624036 implements MigrationInterface {
  name = 'AuditLog1796048624036';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        actor_id uuid,
        actor_name text,
        via text NOT NULL CHECK (via IN ('token', 'key', 'system')),
        action text NOT NULL,
        target_type text NOT NULL CHECK (target_type IN ('model', 'user', 'group', 'api_key')),
        target_id text COLLATE "C" NOT NULL,
        before jsonb,
        after jsonb
      )`);
    // The filters of GET /api/audit, newest first.
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_id, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id)`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at, id)`);
    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit records cannot be changed or deleted (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, CURRENT_USER`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_refuse_change()`);
  }
}
