import type { Caller } from '../access/caller';
import type { AuthUser } from '../common/auth-user';
import { execute, Queryable, Sql, sql } from '../common/sql';
import { nowSeconds } from '../common/time';

/** Who made a change and how; null is the system (a migration, the admin bootstrap). */
export interface AuditActor {
  id: string;
  name: string;
  via: 'token' | 'key';
}

export const AUDIT_TARGETS = ['model', 'user', 'group', 'api_key'] as const;
export type AuditTarget = (typeof AUDIT_TARGETS)[number];

export function actorOf(caller: Pick<Caller, 'userId' | 'name' | 'via'>): AuditActor {
  return { id: caller.userId, name: caller.name, via: caller.via };
}

export function actorOfUser(user: AuthUser): AuditActor {
  return { id: user.id, name: user.name, via: user.apiKey ? 'key' : 'token' };
}

export interface AuditEvent {
  actor: AuditActor | null;
  /** `<target type>.<what>`, e.g. `model.update`, `group.members`, `api_key.create`. */
  action: string;
  targetType: AuditTarget;
}

/**
 * An INSERT of one audit record per row of `rows`, a SELECT of `target_id, before, after`. Run it
 * in the change's own transaction (or as a CTE of the changing statement): the record and the
 * change commit together or not at all. The actor's name is copied, never joined.
 */
export function auditInsertSql(event: AuditEvent, rows: Sql): Sql {
  const { actor } = event;
  return sql`INSERT INTO audit_log (at, actor_id, actor_name, via, action, target_type, target_id, before, after)
    SELECT ${nowSeconds()}, ${actor?.id ?? null}::uuid, ${actor?.name ?? null}, ${actor?.via ?? 'system'},
           ${event.action}, ${event.targetType}, t.target_id, t.before, t.after
    FROM (${rows}) t`;
}

/** Records one change whose before and after the caller holds as values (null: created / deleted). */
export async function recordAudit(
  db: Queryable,
  event: AuditEvent & { targetId: string; before: object | null; after: object | null },
): Promise<void> {
  const json = (value: object | null) => (value === null ? null : JSON.stringify(value));
  await execute(
    db,
    auditInsertSql(
      event,
      sql`SELECT ${event.targetId}::text AS target_id, ${json(event.before)}::jsonb AS before, ${json(event.after)}::jsonb AS after`,
    ),
  );
}

/**
 * `before, after` columns holding only the keys whose values differ between two jsonb objects
 * (a model record keeps what changed, not two whole copies); `prev` NULL (a creation) keeps
 * `next` whole as after, with before NULL.
 */
export function changedKeysSql(prev: Sql, next: Sql): Sql {
  const only = (from: Sql, other: Sql) =>
    sql`COALESCE((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(${from}) e
                  WHERE e.value IS DISTINCT FROM ${other} -> e.key), '{}'::jsonb)`;
  return sql`CASE WHEN ${prev} IS NULL THEN NULL ELSE ${only(prev, next)} END AS before,
    CASE WHEN ${prev} IS NULL THEN ${next} ELSE ${only(next, prev)} END AS after`;
}
