import { readablePredicate, writablePredicate } from '../access/access-rules';
import type { Caller } from '../access/caller';
import type { GrantRow } from '../access/grant-row';
import { Sql, sql } from '../common/sql';
import type { BulkAction } from './dto/model-lifecycle.dto';
import { listFilters, ListParams } from './model-read.sql';

/** What a bulk change applies to: an id list, or the workspace list's own filters. */
export type BulkFilter = { ids: string[] } | Pick<ListParams, 'query' | 'viewOption' | 'tag'>;

export interface BulkCandidateRow {
  id: string;
  can_write: boolean;
  would_change: boolean;
}

const HIDDEN = sql`m.meta @> '{"hidden": true}'::jsonb`;

/**
 * Whether `action` would change the model row `m`: the same test the change itself makes, so a
 * dry run reports what the real call does. `grants` are the normalised ones asked for.
 */
export function wouldChangeSql(action: BulkAction, grants: GrantRow[]): Sql {
  const types = grants.map((g) => g.principal_type);
  const ids = grants.map((g) => g.principal_id);
  const permissions = grants.map((g) => g.permission);
  switch (action) {
    case 'activate':
      return sql`NOT m.is_active`;
    case 'deactivate':
      return sql`m.is_active`;
    case 'hide':
      return sql`NOT ${HIDDEN}`;
    case 'unhide':
      return HIDDEN;
    case 'delete':
      return sql`TRUE`;
    case 'share':
      // Some named grant is missing, or held at read where write is asked for.
      return sql`EXISTS (SELECT 1 FROM unnest(${types}::text[], ${ids}::text[], ${permissions}::text[]) AS r(t, p, perm)
        WHERE NOT EXISTS (SELECT 1 FROM access_grants a WHERE a.model_id = m.id AND a.principal_type = r.t
          AND a.principal_id = r.p AND (a.permission = 'write' OR r.perm = 'read')))`;
    case 'unshare':
      return sql`EXISTS (SELECT 1 FROM access_grants a WHERE a.model_id = m.id
        AND (a.principal_type, a.principal_id) IN (SELECT * FROM unnest(${types}::text[], ${ids}::text[])))`;
  }
}

/** The models the filter matches that the caller can read, with whether it can write each and whether it would change. */
export function bulkCandidatesSql(caller: Caller, filter: BulkFilter, wouldChange: Sql): Sql {
  const where = 'ids' in filter ? sql`m.id = ANY(${filter.ids}::text[])` : listFilters(caller, filter);
  return sql`SELECT m.id, ${writablePredicate(caller)} AS can_write, ${wouldChange} AS would_change
    FROM models m WHERE ${where} AND ${readablePredicate(caller)} ORDER BY m.id`;
}

/** One model, locked, if the caller can still write it, with whether the action would still change it. */
export function lockedCandidateSql(caller: Caller, id: string, wouldChange: Sql): Sql {
  return sql`SELECT m.id, ${writablePredicate(caller)} AS can_write, ${wouldChange} AS would_change,
      ${readablePredicate(caller)} AS can_read, m.base_model_id
    FROM models m WHERE m.id = ${id} FOR UPDATE`;
}

/** The is_active or meta.hidden change, for the model `id`. */
export function flagChangeSql(action: 'activate' | 'deactivate' | 'hide' | 'unhide', id: string, now: number): Sql {
  const set = {
    activate: sql`is_active = TRUE`,
    deactivate: sql`is_active = FALSE`,
    hide: sql`meta = jsonb_set(meta, '{hidden}', 'true')`,
    unhide: sql`meta = jsonb_set(meta, '{hidden}', 'false')`,
  }[action];
  return sql`UPDATE models SET ${set}, updated_at = ${now} WHERE id = ${id}`;
}
