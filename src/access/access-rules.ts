import { Sql, sql } from '../common/sql';
import type { Caller } from './caller';

/** The alias the models row has in every statement that reads models. */
const MODELS = sql`m`;

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
 * Each returns a `Sql` fragment: the caller's ids travel as bound parameters.
 */
export function readablePredicate(caller: Caller, alias = MODELS): Sql {
  const narrowed = hasKeyNarrowing(caller);
  const scope = narrowed ? keyScopePredicate(caller, alias) : null;
  if (caller.bypass) return scope ?? sql`TRUE`;
  const readable = sql`(${alias}.is_public OR ${privateSharePredicate(caller, 'probe', alias)})`;
  return scope === null ? readable : sql`(${readable} AND ${scope})`;
}

/**
 * The readable set minus its `is_public` part and without the key's narrowing: models the caller
 * owns or holds a grant on. Lists count their public and private shares apart (and add
 * keyScopePredicate to both themselves). `lookup` says how the granted ids are used:
 * 'fetch' (`= ANY(ARRAY(...))`) lets PostgreSQL fetch those few rows by index, best when nothing
 * narrower is known; 'probe' (`IN (...)`, a hashed set) tests rows another index already found.
 */
export function privateSharePredicate(caller: Caller, lookup: 'fetch' | 'probe', alias = MODELS): Sql {
  const user = sql.param(caller.userId);
  const granted = grantedIds(caller, user, false);
  const match = lookup === 'fetch' ? sql`= ANY(ARRAY(${granted}))` : sql`IN (${granted})`;
  return sql`(${alias}.user_id = ${user}::uuid OR ${alias}.id ${match})`;
}

export function writablePredicate(caller: Caller, alias = MODELS): Sql {
  // Keys with a narrowing are read-only, so writable needs no narrowing of its own.
  if (caller.readOnly) return sql`FALSE`;
  if (caller.bypass) return sql`TRUE`;
  const user = sql.param(caller.userId);
  return sql`(${alias}.user_id = ${user}::uuid OR ${alias}.id IN (${grantedIds(caller, user, true)}))`;
}

/**
 * Ids of models granted to the caller directly or through its groups (and to user:* when
 * writing). One branch per principal kind, so each is an index-only scan of the principal index.
 */
function grantedIds(caller: Caller, user: Sql, writeOnly: boolean): Sql {
  const permission = writeOnly ? sql` AND g.permission = 'write'` : sql``;
  const users = writeOnly ? sql`g.principal_id IN ('*', ${user}::text)` : sql`g.principal_id = ${user}::text`;
  const branches = [
    sql`SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'user' AND ${users}${permission}`,
  ];
  if (caller.groupIds.length > 0) {
    branches.push(
      sql`SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'group' AND g.principal_id = ANY(${caller.groupIds}::text[])${permission}`,
    );
  }
  return sql.join(branches, sql` UNION ALL `);
}

/**
 * The narrowing an API key adds (docs/access.md): with a token group only models granted to that
 * group or public; with an allow-list only those ids. TRUE without one; callers that keep the SQL
 * of sign-in tokens and full keys unchanged ask hasKeyNarrowing first.
 */
export function keyScopePredicate(caller: Caller, alias = MODELS): Sql {
  const parts: Sql[] = [];
  if (caller.keyGroupId) {
    parts.push(
      sql`(${alias}.is_public OR ${alias}.id IN (SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'group' AND g.principal_id = ${caller.keyGroupId}::text))`,
    );
  }
  if (caller.keyModels) parts.push(sql`${alias}.id = ANY(${caller.keyModels}::text[])`);
  return parts.length > 0 ? sql.join(parts, sql` AND `) : sql`TRUE`;
}

/** The caller came with an API key that has a token group or an allow-list. */
export function hasKeyNarrowing(caller: Caller): boolean {
  return caller.keyGroupId !== null || caller.keyModels !== null;
}
