import { query } from '../api';
import type { Params } from '../route';

/** The list's state as the URL carries it (names as /api/models/list takes them). */
export interface ListState {
  query: string;
  tag: string;
  view: '' | 'created' | 'shared';
  order: 'created_at' | 'updated_at' | 'name';
  direction: 'asc' | 'desc';
  page: number;
}

export function readState(params: Params): ListState {
  const view = params.view === 'created' || params.view === 'shared' ? params.view : '';
  const order = params.order_by === 'name' || params.order_by === 'updated_at' ? params.order_by : 'created_at';
  const page = Number.parseInt(params.page ?? '1', 10);
  return {
    query: params.query ?? '',
    tag: params.tag ?? '',
    view,
    order,
    direction: params.direction === 'asc' ? 'asc' : 'desc',
    page: Number.isFinite(page) && page > 1 ? page : 1,
  };
}

/** The URL of a list state; defaults are left out so addresses stay short. */
export function toParams(state: ListState): Params {
  return {
    query: state.query || undefined,
    tag: state.tag || undefined,
    view: state.view || undefined,
    order_by: state.order === 'created_at' ? undefined : state.order,
    direction: state.direction === 'desc' ? undefined : state.direction,
    page: state.page > 1 ? String(state.page) : undefined,
  };
}

export function apiQuery(state: ListState): string {
  return query({
    query: state.query,
    tag: state.tag,
    view_option: state.view,
    order_by: state.order,
    direction: state.direction,
    page: state.page,
  });
}

/** The part of the state that chooses which models are listed (not their order or page). */
export function filterKey(state: ListState): string {
  return JSON.stringify([state.query, state.tag, state.view]);
}

/** The list's filters as `POST /api/models/bulk` takes them (`filter`): empty ones left out. */
export function bulkFilter(state: ListState): Record<string, string> {
  const filter: Record<string, string> = {};
  if (state.query) filter.query = state.query;
  if (state.tag) filter.tag = state.tag;
  if (state.view) filter.view_option = state.view;
  return filter;
}

/** The list's filters in words, for the bulk dialog: "search “review”, tag “coding”". */
export function describeFilter(state: ListState): string {
  const parts: string[] = [];
  if (state.query) parts.push(`search “${state.query}”`);
  if (state.tag) parts.push(`tag “${state.tag}”`);
  if (state.view) parts.push(state.view === 'created' ? 'created by you' : 'shared with you');
  return parts.length > 0 ? parts.join(', ') : 'every model you can see';
}
