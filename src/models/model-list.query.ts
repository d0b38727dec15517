import { readablePredicate, writablePredicate } from '../access/access-rules';
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

/** The filters of the workspace list: custom models the caller can read, narrowed by the parameters. */
function listWhere(caller: Caller, params: ListParams, p: SqlParams): string {
  const where = ['m.base_model_id IS NOT NULL', readablePredicate(caller, p)];
  if (params.viewOption === 'created') where.push(`m.user_id = ${p.add(caller.userId)}::uuid`);
  if (params.viewOption === 'shared') where.push(`m.user_id IS DISTINCT FROM ${p.add(caller.userId)}::uuid`);
  if (params.tag !== null) where.push(`m.tags @> ARRAY[${p.add(params.tag.trim().toLowerCase())}]::text[]`);
  if (params.query !== null && params.query !== '') {
    // Search columns hold lower-cased text (model-search.ts), so LIKE here is case-insensitive.
    const pattern = p.add(`%${escapeLike(params.query.toLowerCase())}%`);
    where.push(
      `(m.search LIKE ${pattern} OR m.user_id IN (SELECT us.id FROM users us WHERE us.search LIKE ${pattern}))`,
    );
  }
  return where.join(' AND ');
}

/** Counts every match across all pages. */
export function listCountSql(caller: Caller, params: ListParams): SqlStatement {
  const p = new SqlParams();
  return {
    text: `SELECT count(*)::int AS total FROM models m WHERE ${listWhere(caller, params, p)}`,
    values: p.values,
  };
}

/** One page of matches with their owner, base-model defaults and write access; ties broken by id. */
export function listPageSql(caller: Caller, params: ListParams): SqlStatement {
  const p = new SqlParams();
  const where = listWhere(caller, params, p);
  const direction = params.direction === 'asc' ? 'ASC' : 'DESC';
  const offset = p.add((params.page - 1) * PAGE_SIZE);
  return {
    text: `SELECT ${MODEL_COLUMNS}, ${writablePredicate(caller, p)} AS write_access
      FROM models m ${MODEL_JOINS}
      WHERE ${where}
      ORDER BY ${SORT_COLUMN[params.orderBy]} ${direction}, m.id ${direction}
      LIMIT ${PAGE_SIZE} OFFSET ${offset}`,
    values: p.values,
  };
}
