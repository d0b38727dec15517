import { keyScopePredicate, privateSharePredicate, readablePredicate, writablePredicate } from '../access/access-rules';
import type { Caller } from '../access/caller';
import { escapeLike, SqlParams } from '../common/sql-params';
import type { OrderBy } from './dto/list-models-query.dto';
import { MODEL_COLUMNS, MODEL_JOINS } from './model-response';

export const PAGE_SIZE = 30;

export interface ListParams {
  query: string | null;
  viewOption: 'created' | 'shared' | null;
  tag: string | null;
  orderBy: OrderBy;
  direction: 'asc' | 'desc';
  page: number;
}

export interface SqlStatement {
  text: string;
  values: unknown[];
}

const SORT_COLUMN: Record<OrderBy, string> = {
  name: 'm.name_sort',
  created_at: 'm.created_at',
  updated_at: 'm.updated_at',
};

/** The list's own filters (custom models, view, tag, query), without the access rule. */
function listFilters(caller: Caller, params: ListParams, p: SqlParams): string {
  const where = ['m.base_model_id IS NOT NULL'];
  if (params.viewOption === 'created') where.push(`m.user_id = ${p.add(caller.userId)}::uuid`);
  if (params.viewOption === 'shared') where.push(`m.user_id IS DISTINCT FROM ${p.add(caller.userId)}::uuid`);
  if (params.tag !== null) where.push(`m.tags @> ARRAY[${p.add(params.tag.trim().toLowerCase())}]::text[]`);
  if (params.query !== null && params.query !== '') {
    // Search columns hold lower-cased text (model-search.ts), so LIKE here is case-insensitive.
    // Owners are matched through their own trigram index; ANY(ARRAY(...)) lets PostgreSQL OR
    // that with the models' trigram index instead of scanning every model.
    const pattern = p.add(`%${escapeLike(params.query.toLowerCase())}%`);
    where.push(
      `(m.search LIKE ${pattern} OR m.user_id = ANY(ARRAY(SELECT us.id FROM users us WHERE us.search LIKE ${pattern})))`,
    );
  }
  return where.join(' AND ');
}

/**
 * Counts every match across all pages. For non-bypass callers the public and the private share
 * are counted apart: the public part from its partial index, the private part from the caller's
 * few owned and granted ids, fetched by id. Together they are exactly the readable set. Fetching
 * beat probing the granted set for common words and tags (figures: README, Performance).
 * An API key's narrowing applies to both shares; without one the statement is unchanged.
 */
export function listCountSql(caller: Caller, params: ListParams): SqlStatement {
  const p = new SqlParams();
  const scope = keyScopePredicate(caller, p);
  const filters = listFilters(caller, params, p) + (scope === null ? '' : ` AND ${scope}`);
  if (caller.bypass) {
    return { text: `SELECT count(*)::int AS total FROM models m WHERE ${filters}`, values: p.values };
  }
  const publicCount = `SELECT count(*) FROM models m WHERE ${filters} AND m.is_public`;
  const privateCount = `SELECT count(*) FROM models m
    WHERE ${filters} AND NOT m.is_public AND ${privateSharePredicate(caller, p, 'fetch')}`;
  return { text: `SELECT ((${publicCount}) + (${privateCount}))::int AS total`, values: p.values };
}

/**
 * One page of matches with their owner, base-model defaults and write access; ties broken by id.
 * The page's ids are chosen first, so deep pages skip rows without joining them.
 */
export function listPageSql(caller: Caller, params: ListParams): SqlStatement {
  const p = new SqlParams();
  const where = `${listFilters(caller, params, p)} AND ${readablePredicate(caller, p)}`;
  const sort = SORT_COLUMN[params.orderBy];
  const order = params.direction === 'asc' ? 'ASC' : 'DESC';
  const offset = p.add((params.page - 1) * PAGE_SIZE);
  return {
    text: `SELECT ${MODEL_COLUMNS}, ${writablePredicate(caller, p)} AS write_access
      FROM (SELECT m.id FROM models m WHERE ${where}
            ORDER BY ${sort} ${order}, m.id ${order} LIMIT ${PAGE_SIZE} OFFSET ${offset}) page
      JOIN models m ON m.id = page.id ${MODEL_JOINS}
      ORDER BY ${sort} ${order}, m.id ${order}`,
    values: p.values,
  };
}
