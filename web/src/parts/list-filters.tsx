import { useEffect, useRef, useState } from 'preact/hooks';
import { Link } from '../link';
import { toParams, type ListState } from '../pages/list-state';

/** Long enough that a word typed at speed makes one request, short enough to feel live. */
const SEARCH_DELAY_MS = 250;

/** The search box: updates as the user types, tells the list after a pause, follows back/forward. */
export function SearchBox({ value, onSearch }: { value: string; onSearch: (text: string) => void }) {
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

export function Filters({
  state,
  tags,
  go,
}: {
  state: ListState;
  tags: string[];
  go: (change: Partial<ListState>) => void;
}) {
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

export function EmptyState({ state, total, clear }: { state: ListState; total: number; clear: () => void }) {
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
