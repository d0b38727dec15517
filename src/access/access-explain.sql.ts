import { Sql, sql } from '../common/sql';
import type { UserRole } from '../common/user-role';
import { keyScopePredicate, readablePredicate, writablePredicate } from './access-rules';
import type { Caller } from './caller';
import type { Permission, PrincipalType } from './access-grant.entity';

/**
 * The statements behind GET /api/models/model/access/explain (docs/access.md). `can_read` and
 * `can_write` are the access rule's own predicates evaluated for the person asked about, so the
 * answer cannot drift from what every other route does; the grants listed as reasons are the
 * ones the rule's grant lookups match (test/access-explain-property.e2e.spec.ts checks both
 * against the test oracle over random worlds).
 */

export interface ExplainedUserRow {
  id: string;
  role: UserRole;
  group_ids: string[];
}

export interface ExplainedKeyRow {
  id: string;
  user_id: string;
  group_id: string | null;
  models: string[] | null;
  read_only: boolean;
  expires_at: number | null;
}

export interface ExplainedModelRow {
  can_read: boolean;
  can_write: boolean;
  is_owner: boolean;
  in_key_scope: boolean;
}

export interface ApplicableGrantRow {
  principal_type: PrincipalType;
  principal_id: string;
  permission: Permission;
  group_name: string | null;
}

export function explainedUserSql(userId: string): Sql {
  return sql`SELECT u.id, u.role,
      ARRAY(SELECT gm.group_id::text FROM group_members gm WHERE gm.user_id = u.id ORDER BY gm.group_id) AS group_ids
    FROM users u WHERE u.id = ${userId}::uuid`;
}

export function explainedKeySql(keyId: string): Sql {
  return sql`SELECT k.id, k.user_id::text, k.group_id::text, k.models, k.read_only, k.expires_at::float8 AS expires_at
    FROM api_keys k WHERE k.id = ${keyId}::uuid`;
}

/** The rule for `subject` on one model; no row when the model does not exist. */
export function explainedModelSql(subject: Caller, modelId: string): Sql {
  return sql`SELECT ${readablePredicate(subject)} AS can_read, ${writablePredicate(subject)} AS can_write,
      COALESCE(m.user_id = ${subject.userId}::uuid, FALSE) AS is_owner, ${keyScopePredicate(subject)} AS in_key_scope
    FROM models m WHERE m.id = ${modelId}`;
}

/** The model's grants that apply to `subject`: to user:*, to it, or to one of its groups (with the group's name). */
export function applicableGrantsSql(subject: Caller, modelId: string): Sql {
  return sql`SELECT g.principal_type, g.principal_id, g.permission, gr.name AS group_name
    FROM access_grants g LEFT JOIN groups gr ON g.principal_type = 'group' AND gr.id::text = g.principal_id
    WHERE g.model_id = ${modelId}
      AND ((g.principal_type = 'user' AND g.principal_id IN ('*', ${subject.userId}::text))
        OR (g.principal_type = 'group' AND g.principal_id = ANY(${subject.groupIds}::text[])))
    ORDER BY g.principal_type DESC, g.principal_id`;
}
