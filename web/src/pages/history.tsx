import { useState } from 'preact/hooks';
import { api, query } from '../api';
import { Link } from '../link';
import { useResolved } from '../names';
import { Dialog } from '../parts/dialog';
import { Message, ErrorText } from '../parts/form-parts';
import { Pagination } from '../parts/pagination';
import type { HistoryItem, Model } from '../types';
import { useAction } from '../use-action';
import { useLatest } from '../use-latest';
import { ACTION_TEXT, changesOf } from './history-fields';

const PAGE_SIZE = 30;

function actionText(item: HistoryItem): string {
  if (item.action === 'toggle') return item.snapshot.is_active ? 'activated' : 'deactivated';
  return ACTION_TEXT[item.action] ?? item.action;
}

/** What a version changed compared with the one before it (or all its fields, for the oldest shown). */
function Changes({ item, previous }: { item: HistoryItem; previous?: HistoryItem }) {
  const changes = useResolved(`${item.version}:${previous?.version ?? ''}`, () =>
    changesOf(item.snapshot, previous?.snapshot),
  );
  if (!changes) return <p role="status">Loading…</p>;
  if (changes.length === 0) return <p class="hint">No field changed compared with version {previous?.version}.</p>;
  return (
    <>
      <p class="hint">
        {previous
          ? `What changed since version ${previous.version}:`
          : 'The oldest version shown here, with all its fields:'}
      </p>
      <dl class="changes">
        {changes.map((change) => (
          <div key={change.label}>
            <dt>{change.label}</dt>
            {change.before !== undefined ? (
              <dd>
                <span class="hint">before</span>
                <pre>{change.before || '(empty)'}</pre>
                <span class="hint">after</span>
                <pre>{change.after || '(empty)'}</pre>
              </dd>
            ) : (
              <dd>
                <pre>{change.after || '(empty)'}</pre>
              </dd>
            )}
          </div>
        ))}
      </dl>
    </>
  );
}

interface Restored {
  from: number;
  model: Model;
}

/** `?p=history&id=…&page=`: a model's kept versions, newest first, each with what it changed and a Restore. */
export function HistoryPage({ id, page }: { id: string; page: number }) {
  const path = `/api/models/model${query({ id })}`;
  const model = useLatest(`model:${id}`, (signal) => api<Model>(path, { signal }));
  const history = useLatest(`history:${id}:${page}`, (signal) =>
    api<{ items: HistoryItem[]; total: number }>(`/api/models/model/history${query({ id, page })}`, { signal }),
  );
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [confirm, setConfirm] = useState<HistoryItem>();
  const [restored, setRestored] = useState<Restored>();
  const { busy, error, run } = useAction();

  if (model.error)
    return (
      <Message title="Model not available">
        <p>{model.error}. It does not exist, or you cannot see it.</p>
      </Message>
    );
  if (!model.data) return <p role="status">Loading the history…</p>;
  const current = model.data;
  if (!current.write_access)
    return (
      <Message title={`You cannot see the history of ${current.name}`}>
        <p>Only those who can edit a model see its history. Ask its owner ({current.user?.name ?? 'nobody'}).</p>
      </Message>
    );

  const toggle = (version: number) =>
    setOpen((now) => {
      const next = new Set(now);
      if (!next.delete(version)) next.add(version);
      return next;
    });
  const restore = (item: HistoryItem) =>
    run(async () => {
      const result = await api<Model>('/api/models/model/restore', {
        method: 'POST',
        body: { id, version: item.version },
      });
      setRestored({ from: item.version, model: result });
      setConfirm(undefined);
      model.reload();
      history.reload();
    });
  const items = history.data?.items ?? [];

  return (
    <section aria-labelledby="history-title">
      <div class="page-head">
        <h1 id="history-title">History of {current.name}</h1>
        <span class="links">
          <Link to={{ p: 'edit', id }}>Edit the model</Link> <Link to={{}}>Back to models</Link>
        </span>
      </div>
      <p class="hint">
        Every change is kept as a version, newest first; the last 20 versions of a model are kept. Restoring a version
        makes its fields and sharing current again, as a new version (the owner does not change).
      </p>
      {restored ? (
        <div class="card notice" role="status">
          <p>
            Version {restored.from} restored: the model is now at version {restored.model.version}.
          </p>
          {restored.model.warnings?.length ? (
            <ul aria-label="Warnings">
              {restored.model.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <ErrorText error={history.error} />
      {!history.data && !history.error ? <p role="status">Loading the history…</p> : null}
      <ol class="versions" aria-label="Versions" aria-busy={history.loading}>
        {items.map((item, index) => {
          const isCurrent = item.version === current.version;
          const detailsId = `version-${item.version}-changes`;
          return (
            <li key={item.version} class="card version">
              <div class="version-head">
                <strong>Version {item.version}</strong>
                {isCurrent ? <span class="badge">current</span> : null}
                <span>
                  {actionText(item)} by {item.changed_by?.name ?? 'someone unknown (before history was kept)'}
                </span>
                <time dateTime={new Date(item.changed_at * 1000).toISOString()}>
                  {new Date(item.changed_at * 1000).toLocaleString()}
                </time>
              </div>
              <div class="row-actions">
                <button
                  type="button"
                  class="small"
                  aria-expanded={open.has(item.version)}
                  aria-controls={detailsId}
                  onClick={() => toggle(item.version)}
                >
                  {open.has(item.version) ? 'Hide' : 'Show'} changes of version {item.version}
                </button>
                {isCurrent ? null : (
                  <button type="button" class="small" onClick={() => setConfirm(item)}>
                    Restore version {item.version}
                  </button>
                )}
              </div>
              <div id={detailsId} hidden={!open.has(item.version)}>
                {open.has(item.version) ? <Changes item={item} previous={items[index + 1]} /> : null}
              </div>
            </li>
          );
        })}
      </ol>
      {history.data ? (
        <Pagination
          page={page}
          total={history.data.total}
          pageSize={PAGE_SIZE}
          at={(at) => ({ p: 'history', id, page: at > 1 ? String(at) : undefined })}
        />
      ) : null}
      {confirm ? (
        <Dialog title={`Restore version ${confirm.version}?`} onClose={() => setConfirm(undefined)}>
          <p>
            The fields and sharing of version {confirm.version} become current, as a new version {current.version + 1}.
            Nothing is lost: the version now current stays in the history.
          </p>
          <p class="hint">
            Sharing with people or groups deleted since is left out. A public grant is restored only by an
            administrator.
          </p>
          <ErrorText error={error} />
          <div class="actions">
            <button type="button" class="primary" disabled={busy} onClick={() => void restore(confirm)}>
              Restore version {confirm.version}
            </button>
            <button type="button" onClick={() => setConfirm(undefined)}>
              Cancel
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
