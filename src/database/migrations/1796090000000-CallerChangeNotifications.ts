import { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel the caller memo listens on (src/database/caller-change-feed.ts); payloads are empty. */
export const CALLER_CHANGES_CHANNEL = 'registry_caller_changes';

/** Tables whose every change may alter a loaded caller (auth-user.loader.ts) or its change version. */
const WHOLE_TABLES = ['users', 'group_members', 'change_counters'];

/**
 * A NOTIFY in the writing transaction for every change to what AuthUserLoader reads: users,
 * group memberships, API keys, and the change counters its change version sums (so every bump of
 * change tracking notifies too). PostgreSQL queues it at commit with the change and signals the
 * listeners before the writer's COMMIT returns (docs/caller-memo.md); a rolled-back change sends
 * nothing. Several notifies of one transaction collapse into one. An API key's last_used_at moving
 * forward does not notify: the memo keeps its own (ApiKeyStrategy), and a notify per recorded use
 * would empty it every minute per active key.
 */
export class CallerChangeNotifications1796090000000 implements MigrationInterface {
  name = 'CallerChangeNotifications1796090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_caller_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${CALLER_CHANGES_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    for (const table of WHOLE_TABLES) {
      await q.query(`CREATE TRIGGER ${table}_caller_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_caller_change()`);
    }
    await q.query(`CREATE TRIGGER api_keys_caller_notify AFTER INSERT OR DELETE OR TRUNCATE ON api_keys
      FOR EACH STATEMENT EXECUTE FUNCTION notify_caller_change()`);
    // Any column but last_used_at, compared whole, so a column added later notifies without a change
    // here; last_used_at only when it moves back (or is cleared): the memo's copy may be newer than
    // the row (it only holds back a write for a minute), never older.
    await q.query(`CREATE TRIGGER api_keys_caller_notify_update AFTER UPDATE ON api_keys FOR EACH ROW
      WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at')
        OR NEW.last_used_at IS DISTINCT FROM GREATEST(OLD.last_used_at, NEW.last_used_at))
      EXECUTE FUNCTION notify_caller_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of WHOLE_TABLES) await q.query(`DROP TRIGGER ${table}_caller_notify ON ${table}`);
    await q.query(`DROP TRIGGER api_keys_caller_notify ON api_keys`);
    await q.query(`DROP TRIGGER api_keys_caller_notify_update ON api_keys`);
    await q.query(`DROP FUNCTION notify_caller_change()`);
  }
}
