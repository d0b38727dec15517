import { useState } from 'preact/hooks';
import { api } from '../api';
import { useAction } from '../use-action';
import { Link } from '../link';
import type { Model } from '../types';
import { Dialog } from './dialog';
import { ModelTools } from './model-tools';
import { ShareDialog } from './share-dialog';
import { ErrorText } from './form-parts';

type Open = 'none' | 'share' | 'delete';

/**
 * What the caller can do with a model from its row: a writer edits, shares, activates, hides, deletes
 * (confirmed), sees the history and clones; a reader only clones.
 */
export function ModelActions({ model, onChanged }: { model: Model; onChanged: () => void }) {
  const [open, setOpen] = useState<Open>('none');
  const action = useAction();
  const { busy, error } = action;
  const run = (work: () => Promise<unknown>) =>
    action.run(async () => {
      await work();
      setOpen('none');
      onChanged();
    });
  if (!model.write_access)
    return (
      <div class="row-actions">
        <ModelTools model={model} row />
      </div>
    );
  const id = encodeURIComponent(model.id);
  // Both send the version they acted on: a model changed meanwhile is a 409, shown at the row.
  const toggle = () => api(`/api/models/model/toggle?id=${id}&version=${model.version}`, { method: 'POST' });
  // The list shows a served path for images: read the model itself so its meta goes back whole.
  const hide = async () => {
    const fresh = await api<Model>(`/api/models/model?id=${id}`);
    const meta = { ...fresh.meta, hidden: !fresh.meta.hidden };
    return api('/api/models/model/update', { method: 'POST', body: { id: model.id, meta, version: fresh.version } });
  };
  const remove = () => api('/api/models/model/delete', { method: 'POST', body: { id: model.id } });

  return (
    <div class="row-actions">
      <Link to={{ p: 'edit', id: model.id }} class="button small" aria-label={`Edit ${model.name}`}>
        Edit
      </Link>
      <button type="button" class="small" aria-label={`Share ${model.name}`} onClick={() => setOpen('share')}>
        Share
      </button>
      <button
        type="button"
        class="small"
        disabled={busy}
        aria-label={`${model.is_active ? 'Deactivate' : 'Activate'} ${model.name}`}
        onClick={() => void run(toggle)}
      >
        {model.is_active ? 'Deactivate' : 'Activate'}
      </button>
      <button
        type="button"
        class="small"
        disabled={busy}
        aria-label={`${model.meta.hidden ? 'Unhide' : 'Hide'} ${model.name}`}
        onClick={() => void run(hide)}
      >
        {model.meta.hidden ? 'Unhide' : 'Hide'}
      </button>
      <button type="button" class="small danger" aria-label={`Delete ${model.name}`} onClick={() => setOpen('delete')}>
        Delete
      </button>
      <ModelTools model={model} row />
      {error && open === 'none' ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {open === 'share' ? (
        <ShareDialog
          model={model}
          onClose={() => setOpen('none')}
          onSaved={() => {
            setOpen('none');
            onChanged();
          }}
        />
      ) : null}
      {open === 'delete' ? (
        <Dialog title={`Delete ${model.name}?`} onClose={() => setOpen('none')}>
          <p>
            The model <code>{model.id}</code> and everyone's access to it are deleted. API clients asking for it get
            “not found”. This cannot be undone.
          </p>
          <ErrorText error={error} />
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={() => void run(remove)}>
              Delete the model
            </button>
            <button type="button" onClick={() => setOpen('none')}>
              Keep it
            </button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
