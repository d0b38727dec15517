import { textArrayParam } from '../common/frozen-text-array';
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
 * The grants are kept on the model row as principals (migration ModelReaders): `readers` ('*' for
 * user:*, 'u:<id>', 'g:<id>') and `writers`, so the rule is a test of the row against the
 * caller's few principals, whatever is shared with it (README, "Designs measured for the access
 * rule"). `is_public` is '*' in `readers`. The caller's ids travel as bound parameters.
 */
export function readablePredicate(caller: Caller, alias = MODELS): Sql {
  const narrowed = hasKeyNarrowing(caller);
  const scope = narrowed ? keyScopePredicate(caller, alias) : null;
  if (caller.bypass) return scope ?? sql`TRUE`;
  const readable = grantedOrOwnPredicate(caller, alias);
  return scope === null ? readable : sql`(${readable} AND ${scope})`;
}

function grantedOrOwnPredicate(caller: Caller, alias: Sql): Sql {
  return sql`(${grantedToPredicate(caller, alias)} OR ${alias}.user_id = ${caller.userId}::uuid)`;
}

/**
 * The readable rule split by `is_public`, for a caller to whom it is exactly "public, or granted
 * to one of its principals, or its own" (no bypass, no key narrowing; null for any other): every
 * public model is readable, so a count may take the public share from a copy of the public models
 * (public_models, public_model_tags) without testing them, and count the private ones in two
 * disjoint parts: `granted` (private_models_filter_idx serves it with the filter in one bitmap),
 * and the caller's own models (`owner`) that are `ungranted` to all its principals. The parts add
 * up to readablePredicate exactly.
 */
export function readableParts(
  caller: Caller,
  alias = MODELS,
): { public: Sql; granted: Sql; owner: Sql; ungranted: Sql } | null {
  if (caller.bypass || hasKeyNarrowing(caller)) return null;
  const granted = grantedToPredicate(caller, alias);
  return {
    public: sql`TRUE`,
    granted,
    owner: sql`${alias}.user_id = ${caller.userId}::uuid`,
    ungranted: sql`NOT ${granted}`,
  };
}

export function writablePredicate(caller: Caller, alias = MODELS): Sql {
  // Keys with a narrowing are read-only, so writable needs no narrowing of its own.
  if (caller.readOnly) return sql`FALSE`;
  if (caller.bypass) return sql`TRUE`;
  return sql`(${alias}.writers && ${callerPrincipals(caller)}::text[] OR ${alias}.user_id = ${caller.userId}::uuid)`;
}

/** The principals a grant to the caller names, as `readers` and `writers` hold them. */
function callerPrincipals(caller: Caller): string[] {
  return ['*', `u:${caller.userId}`, ...caller.groupIds.map((id) => `g:${id}`)];
}

/**
 * The private custom models granted to the caller (to itself or its groups; not user:*), each
 * counted once: at the first of the caller's principals it is granted to. A grant's
 * groups_before holds the groups among the model's readers that sort before its own principal
 * (migration GroupsBefore), so it is the caller's first unless one of the caller's groups is in
 * it. private_grant_counts (migration PrivateGrantCounts) keeps how many private grants each
 * principal has per groups_before, so the count adds a row per (principal, groups_before) with the
 * same test instead of reading every grant (~1,300 rows against ~28,000 grants for the typical
 * company user). With the public custom models and the caller's own private ones they make
 * exactly the custom models it can read, without reading the models or collecting their ids.
 */
export function privateGrantCountSql(caller: Caller): Sql {
  const notAfterOwnGroup = sql`NOT c.groups_before && ${caller.groupIds}::uuid[]`;
  const principals = [sql`c.principal_type = 'user' AND c.principal_id = ${caller.userId}::text`];
  if (caller.groupIds.length > 0) {
    principals.push(sql`c.principal_type = 'group' AND c.principal_id = ANY(${caller.groupIds}::text[])`);
  }
  const counts = principals.map(
    (principal) =>
      sql`(SELECT COALESCE(sum(c.n), 0) FROM private_grant_counts c WHERE ${principal} AND ${notAfterOwnGroup})`,
  );
  return sql.join(counts, sql` + `);
}

/** The model names one of the caller's principals in readers (true for a public model too). */
export function grantedToPredicate(caller: Caller, alias = MODELS): Sql {
  return sql`${alias}.readers && ${callerPrincipals(caller)}::text[]`;
}

/**
 * The narrowing an API key adds (docs/access.md): with a token group only models granted to that
 * group or public; with an allow-list only those ids. TRUE without one; callers that keep the SQL
 * of sign-in tokens and full keys unchanged ask hasKeyNarrowing first.
 */
export function keyScopePredicate(caller: Caller, alias = MODELS): Sql {
  const parts: Sql[] = [];
  if (caller.keyGroupId) {
    parts.push(sql`${alias}.readers && ${['*', `g:${caller.keyGroupId}`]}::text[]`);
  }
  if (caller.keyModels) parts.push(sql`${alias}.id = ANY(${textArrayParam(caller.keyModels)}::text[])`);
  return parts.length > 0 ? sql.join(parts, sql` AND `) : sql`TRUE`;
}

/** The caller came with an API key that has a token group or an allow-list. */
export function hasKeyNarrowing(caller: Caller): boolean {
  return caller.keyGroupId !== null || caller.keyModels !== null;
}
