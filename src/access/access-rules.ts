import { SqlParams } from '../common/sql-params';
import type { Caller } from './caller';

/**
 * THE rule for who may read or write a model (SPEC §2), as SQL predicates over a models row
 * aliased `alias`. Every route that shows or changes models (list, tags, single-model routes,
 * export, import, gateway) filters through these, so the rule lives here only.
 *
 * can read:  admin with bypass, owner, or a read/write grant to user:*, the caller, or its groups.
 * can write: admin with bypass, owner, or a write grant to user:*, the caller, or its groups.
 *
 * `is_public` mirrors "has a user:* grant", so the public part (most of what a user sees) needs
 * no grant lookup. Granted ids are matched with `= ANY(ARRAY(...))`: one lookup of the caller's
 * grants, then index probes, which PostgreSQL can OR with other index conditions.
 */
export function readablePredicate(caller: Caller, p: SqlParams, alias = 'm'): string {
  if (caller.bypass) return 'TRUE';
  return `(${alias}.is_public OR ${privateSharePredicate(caller, p, alias)})`;
}

/**
 * The non-bypass readable set minus the `is_public` part: models the caller owns or holds a
 * grant on. Lists count public and private shares apart, each from its own index.
 */
export function privateSharePredicate(caller: Caller, p: SqlParams, alias = 'm'): string {
  const user = p.add(caller.userId);
  return `(${alias}.user_id = ${user}::uuid OR ${alias}.id = ANY(ARRAY(${grantedIds(caller, p, user, false)})))`;
}

export function writablePredicate(caller: Caller, p: SqlParams, alias = 'm'): string {
  if (caller.bypass) return 'TRUE';
  const user = p.add(caller.userId);
  return `(${alias}.user_id = ${user}::uuid OR ${alias}.id = ANY(ARRAY(${grantedIds(caller, p, user, true)})))`;
}

/** Ids of models granted to the caller directly or through its groups (and to user:* when writing). */
function grantedIds(caller: Caller, p: SqlParams, userParam: string, writeOnly: boolean): string {
  const users = writeOnly ? `g.principal_id IN ('*', ${userParam}::text)` : `g.principal_id = ${userParam}::text`;
  const principals = [`(g.principal_type = 'user' AND ${users})`];
  if (caller.groupIds.length > 0) {
    principals.push(`(g.principal_type = 'group' AND g.principal_id = ANY(${p.add(caller.groupIds)}::text[]))`);
  }
  const permission = writeOnly ? ` AND g.permission = 'write'` : '';
  return `SELECT g.model_id FROM access_grants g WHERE (${principals.join(' OR ')})${permission}`;
}

/**
 * The narrowing an API key adds on gateway lists (SPEC §4): with a token group only models
 * granted to that group or public; with an allow-list only those ids. TRUE for sign-in tokens.
 */
export function keyScopePredicate(caller: Caller, p: SqlParams, alias = 'm'): string {
  const parts: string[] = [];
  if (caller.keyGroupId) {
    const group = p.add(caller.keyGroupId);
    parts.push(
      `(${alias}.is_public OR ${alias}.id = ANY(ARRAY(SELECT g.model_id FROM access_grants g ` +
        `WHERE g.principal_type = 'group' AND g.principal_id = ${group}::text)))`,
    );
  }
  if (caller.keyModels) parts.push(`${alias}.id = ANY(${p.add(caller.keyModels)}::text[])`);
  return parts.length > 0 ? parts.join(' AND ') : 'TRUE';
}
