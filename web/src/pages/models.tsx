import { useEffect, useRef, useState } from 'preact/hooks';
import { api, query } from '../api';
import { startEarly, takeEarly } from '../early';
import { Link } from '../link';
import { ModelRow } from '../parts/model-row';
import { Pagination } from '../parts/pagination';
import { navigate, type Params } from '../route';
import { useLatest } from '../use-latest';
import type { ModelPage } from '../types';

export const PAGE_SIZE = 30;
/** Long enough that a word typed at speed makes one request, short enough to feel live. */
const SEARCH_DELAY_MS = 250;

/** The list's state as the URL carries it (names as /api/models/list takes them). */
interface ListState {
  query: string;
  tag: string;
  view: '' | 'created' | 'shared';
  order: 'created_at' | 'updated_at' | 'name';
  direction: 'asc' | 'desc';
  page: number;
}

function readState(params: Params): ListState {
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
function toParams(state: ListState): Params {
  return {
    query: state.query || undefined,
    tag: state.tag || undefined,
    view: state.view || undefined,
    order_by: state.order === 'created_at' ? undefined : state.order,
    direction: state.direction === 'desc' ? undefined : state.direction,
    page: state.page > 1 ? String(state.page) : undefined,
  };
}

function apiQuery(state: ListState): string {
  return query({
    query: state.query,
    tag: state.tag,
    view_option: state.view,
    order_by: state.order,
    direction: state.direction,
    page: state.page,
  });
}

/** The search box: updates as the user types, tells the list after a pause, follows back/forward. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState(value);
  const timer = useRef<number>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (document.activeElement !== input.current) setText(value);
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <label class="search">
      <span class="visually-hidden">Search models</span>
      <input
        ref={input}
        type="search"
        placeholder="Search by name, id, description or owner"
        value={text}
        maxLength={500}
        onInput={(event) => {
          const next = event.currentTarget.value;
          setText(next);
          clearTimeout(timer.current);
          timer.current = window.setTimeout(() => onSearch(next), SEARCH_DELAY_MS);
        }}
      />
    </label>
  );
}

function Filters({ state, tags, go }: { state: ListState; tags: string[]; go: (change: Partial<ListState>) => void }) {
  return (
    <div class="filters">
      <div class="field">
        <label for="filter-view">View</label>
        <select
          id="filter-view"
          value={state.view}
          onChange={(event) => go({ view: event.currentTarget.value as ListState['view'] })}
        >
          <option value="">All models</option>
          <option value="created">Created by me</option>
          <option value="shared">Shared with me</option>
        </select>
      </div>
      <div class="field">
        <label for="filter-tag">Tag</label>
        <select id="filter-tag" value={state.tag} onChange={(event) => go({ tag: event.currentTarget.value })}>
          <option value="">Any tag</option>
          {(tags.includes(state.tag) || !state.tag ? tags : [state.tag, ...tags]).map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-sort">Sort by</label>
        <select
          id="filter-sort"
          value={state.order}
          onChange={(event) => go({ order: event.currentTarget.value as ListState['order'] })}
        >
          <option value="created_at">Created</option>
          <option value="updated_at">Updated</option>
          <option value="name">Name</option>
        </select>
      </div>
      <div class="field">
        <label for="filter-order">Order</label>
        <select
          id="filter-order"
          value={state.direction}
          onChange={(event) => go({ direction: event.currentTarget.value as ListState['direction'] })}
        >
          <option value="desc">{state.order === 'name' ? 'Z to A' : 'Newest first'}</option>
          <option value="asc">{state.order === 'name' ? 'A to Z' : 'Oldest first'}</option>
        </select>
      </div>
    </div>
  );
}

function EmptyState({ state, total, clear }: { state: ListState; total: number; clear: () => void }) {
  const filtered = state.query !== '' || state.tag !== '';
  if (total > 0)
    return (
      <p class="empty">
        This page is past the end of the list. <Link to={toParams({ ...state, page: 1 })}>Go to the first page</Link>.
      </p>
    );
  if (filtered)
    return (
      <div class="empty">
        <p>
          No models match {state.query ? <strong>“{state.query}”</strong> : 'these filters'}
          {state.tag ? (
            <>
              {' '}
              tagged <strong>{state.tag}</strong>
            </>
          ) : null}
          .
        </p>
        <p>
          Try fewer words, another tag, or{' '}
          <button type="button" class="link" onClick={clear}>
            clear the search and filters
          </button>
          .
        </p>
      </div>
    );
  if (state.view === 'shared')
    return (
      <p class="empty">
        Nobody has shared a model with you yet. Models others share with you or your groups appear here.
      </p>
    );
  return (
    <div class="empty">
      <p>{state.view === 'created' ? 'You have not created a model yet.' : 'There are no models here yet.'}</p>
      <p>
        <Link to={{ p: 'new' }}>Create a model</Link> from a base model, with its own name, prompt and tags.
      </p>
    </div>
  );
}

const TAGS = '/api/models/tags';

/** Starts the list's requests for these parameters before the app has checked the session. */
export function startModelsEarly(params: Params): void {
  startEarly(`/api/models/list${apiQuery(readState(params))}`);
  startEarly(TAGS);
}

/** The workspace list: /api/models/list with search, tag, view, sort and pages, all kept in the URL. */
export function ModelsPage({ params }: { params: Params }) {
  const state = readState(params);
  const go = (change: Partial<ListState>, replace = false) =>
    navigate(toParams({ ...state, page: 1, ...change }), { replace });
  const key = apiQuery(state);
  const list = useLatest(key, (signal) => {
    const path = `/api/models/list${key}`;
    return takeEarly<ModelPage>(path) ?? api<ModelPage>(path, { signal });
  });
  const tags = useLatest('tags', (signal) => takeEarly<string[]>(TAGS) ?? api<string[]>(TAGS, { signal }));
  const last = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));

  return (
    <section aria-labelledby="models-title">
      <div class="page-head">
        <h1 id="models-title">Models</h1>
        <Link to={{ p: 'new' }} class="button primary">
          New model
        </Link>
      </div>
      <div class="toolbar" role="search">
        <SearchBox value={state.query} onSearch={(text) => go({ query: text.trim() === '' ? '' : text }, true)} />
        <Filters state={state} tags={tags.data ?? []} go={go} />
      </div>
      <p class="summary" role="status" aria-live="polite">
        {list.data
          ? `${list.data.total} ${list.data.total === 1 ? 'model' : 'models'}${last > 1 ? ` · page ${state.page} of ${last}` : ''}`
          : 'Loading models…'}
      </p>
      {list.error ? (
        <p class="error" role="alert">
          {list.error}
        </p>
      ) : null}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState state={state} total={list.data.total} clear={() => navigate({})} />
      ) : null}
      <ul class="models" aria-busy={list.loading} aria-label="Models">
        {(list.data?.items ?? []).map((model) => (
          <ModelRow
            key={model.id}
            model={model}
            onTag={(tag) => go({ tag })}
            onChanged={() => {
              list.reload();
              tags.reload();
            }}
          />
        ))}
      </ul>
      {list.data ? (
        <Pagination
          page={state.page}
          total={list.data.total}
          pageSize={PAGE_SIZE}
          at={(page) => toParams({ ...state, page })}
        />
      ) : null}
    </section>
  );
}
