import { SqlParams } from '../common/sql-params';
import type { Caller } from './caller';

/**
 * THE rule for who may read or write a model (docs/access.md), as SQL predicates over a models row
 * aliased `alias`. Every route that shows or changes models (list, tags, single-model routes,
 * export, import, gateway) filters through these, so the rule lives here only.
 *
 * can read:  admin with bypass, owner, or a read/write grant to user:*, the caller, or its groups;
 *            and always within the API key's narrowing (keyScopePredicate), on every route.
 * can write: admin with bypass, owner, or a write grant to user:*, the caller, or its groups;
 *            never with a read-only credential (a narrowed key is always read-only).
 *
 * `is_public` mirrors "has a user:* grant", so the public part (most of what a user sees) needs
 * no grant lookup. The caller's grants are read once per statement (index-only scans).
 */
export function readablePredicate(caller: Caller, p: SqlParams, alias = 'm'): string {
  const scope = keyScopePredicate(caller, p, alias);
  if (caller.bypass) return scope ?? 'TRUE';
  const readable = `(${alias}.is_public OR ${privateSharePredicate(caller, p, 'probe', alias)})`;
  return scope === null ? readable : `(${readable} AND ${scope})`;
}

/**
 * The readable set minus its `is_public` part and without the key's narrowing: models the caller
 * owns or holds a grant on. Lists count their public and private shares apart (and add
 * keyScopePredicate to both themselves). `lookup` says how the granted ids are used:
 * 'fetch' (`= ANY(ARRAY(...))`) lets PostgreSQL fetch those few rows by index, best when nothing
 * narrower is known; 'probe' (`IN (...)`, a hashed set) tests rows another index already found.
 */
export function privateSharePredicate(caller: Caller, p: SqlParams, lookup: 'fetch' | 'probe', alias = 'm'): string {
  const user = p.add(caller.userId);
  const granted = grantedIds(caller, p, user, false);
  const match = lookup === 'fetch' ? `= ANY(ARRAY(${granted}))` : `IN (${granted})`;
  return `(${alias}.user_id = ${user}::uuid OR ${alias}.id ${match})`;
}

export function writablePredicate(caller: Caller, p: SqlParams, alias = 'm'): string {
  // Keys with a narrowing are read-only, so writable needs no narrowing of its own.
  if (caller.readOnly) return 'FALSE';
  if (caller.bypass) return 'TRUE';
  const user = p.add(caller.userId);
  return `(${alias}.user_id = ${user}::uuid OR ${alias}.id IN (${grantedIds(caller, p, user, true)}))`;
}

/**
 * Ids of models granted to the caller directly or through its groups (and to user:* when
 * writing). One branch per principal kind, so each is an index-only scan of the principal index.
 */
function grantedIds(caller: Caller, p: SqlParams, userParam: string, writeOnly: boolean): string {
  const permission = writeOnly ? ` AND g.permission = 'write'` : '';
  const users = writeOnly ? `g.principal_id IN ('*', ${userParam}::text)` : `g.principal_id = ${userParam}::text`;
  const branches = [`SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'user' AND ${users}${permission}`];
  if (caller.groupIds.length > 0) {
    branches.push(
      `SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'group' ` +
        `AND g.principal_id = ANY(${p.add(caller.groupIds)}::text[])${permission}`,
    );
  }
  return branches.join(' UNION ALL ');
}

/**
 * The narrowing an API key adds (docs/access.md): with a token group only models granted to that
 * group or public; with an allow-list only those ids. Null without one (sign-in tokens, full keys),
 * so their SQL stays exactly as it was.
 */
export function keyScopePredicate(caller: Caller, p: SqlParams, alias = 'm'): string | null {
  const parts: string[] = [];
  if (caller.keyGroupId) {
    const group = p.add(caller.keyGroupId);
    parts.push(
      `(${alias}.is_public OR ${alias}.id IN (SELECT g.model_id FROM access_grants g ` +
        `WHERE g.principal_type = 'group' AND g.principal_id = ${group}::text))`,
    );
  }
  if (caller.keyModels) parts.push(`${alias}.id = ANY(${p.add(caller.keyModels)}::text[])`);
  return parts.length > 0 ? parts.join(' AND ') : null;
}
