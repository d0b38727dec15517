import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of the audit log (docs/audit.md, "Retention"). The trigger that refused every UPDATE,
 * DELETE and TRUNCATE now lets one DELETE through: of a record older than the cut-off that
 * audit_log_prune sets for its own transaction, and only when that cut-off is at least
 * AUDIT_MIN_RETENTION_DAYS in the past. So no setting, call or role (short of dropping the
 * trigger) can delete a record younger than that, nor change any record.
 */
export class AuditRetention1796081713354 implements MigrationInterface {
  name = 'AuditRetention1796081713354';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cutoff bigint := nullif(current_setting('registry.audit_prune_before', true), '')::bigint;
      BEGIN
        IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND OLD.at < cutoff
           AND cutoff <= extract(epoch FROM now())::bigint - 30 * 86400 THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit records cannot be changed or deleted (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    // One batch of the oldest records past the retention, in the caller's transaction; the
    // transaction-scoped advisory lock makes instances pruning at once take turns, not duplicate work.
    await q.query(`
      CREATE FUNCTION audit_log_prune(keep_days integer, batch integer DEFAULT 10000) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        cutoff bigint;
        deleted integer;
      BEGIN
        IF keep_days IS NULL OR keep_days < 30 THEN
          RAISE EXCEPTION 'audit records are kept at least 30 days, got %', keep_days USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF NOT pg_try_advisory_xact_lock(1635083369, 1886549358) THEN
          RETURN 0;
        END IF;
        cutoff := extract(epoch FROM now())::bigint - keep_days::bigint * 86400;
        PERFORM set_config('registry.audit_prune_before', cutoff::text, true);
        DELETE FROM audit_log WHERE id IN (
          SELECT id FROM audit_log WHERE at < cutoff ORDER BY at, id LIMIT greatest(batch, 1));
        GET DIAGNOSTICS deleted = ROW_COUNT;
        PERFORM set_config('registry.audit_prune_before', '', true);
        RETURN deleted;
      END $$`);
    // The pruning DELETE runs as the service's role; the trigger, not the privilege, is the guard
    // (a table's owner can grant itself any privilege back).
    await q.query(`GRANT DELETE ON audit_log TO CURRENT_USER`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE DELETE ON audit_log FROM CURRENT_USER`);
    await q.query(`DROP FUNCTION audit_log_prune(integer, integer)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit records cannot be changed or deleted (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }
}
