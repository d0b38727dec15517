import { api } from '../api';
import { startEarly, takeEarly } from '../early';
import { Link } from '../link';
import { EmptyState, Filters, SearchBox } from '../parts/list-filters';
import { ListTools } from '../parts/list-tools';
import { ModelRow } from '../parts/model-row';
import { Pagination } from '../parts/pagination';
import { useSelection } from '../parts/selection';
import { navigate, type Params } from '../route';
import { useLatest } from '../use-latest';
import type { ModelPage } from '../types';
import { apiQuery, bulkFilter, describeFilter, filterKey, readState, toParams, type ListState } from './list-state';
import { ErrorText } from '../parts/form-parts';

export const PAGE_SIZE = 30;

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
  const selection = useSelection(filterKey(state));
  const changed = () => {
    list.reload();
    tags.reload();
  };
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
      <ListTools
        models={list.data?.items ?? []}
        selection={selection}
        filter={bulkFilter(state)}
        filterText={`${describeFilter(state)}${list.data ? ` (${list.data.total} ${list.data.total === 1 ? 'model' : 'models'})` : ''}`}
        onChanged={changed}
      />
      <ErrorText error={list.error} />
      {list.data && list.data.items.length === 0 ? (
        <EmptyState state={state} total={list.data.total} clear={() => navigate({})} />
      ) : null}
      <ul class="models" aria-busy={list.loading} aria-label="Models">
        {(list.data?.items ?? []).map((model) => (
          <ModelRow
            key={model.id}
            model={model}
            onTag={(tag) => go({ tag })}
            onChanged={changed}
            selected={selection.has(model.id)}
            onSelect={(on) => selection.set([model.id], on)}
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
