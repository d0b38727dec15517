import { useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { suggestId } from '../pages/model-form';
import { navigate } from '../route';
import { useSession } from '../session';
import type { Model } from '../types';
import { Dialog } from './dialog';
import { described, Field, useIdClash } from './form-parts';

/** A suggested id for a copy: the caller's name as a prefix and the source's last segment. */
function suggestedId(model: Model, who: string): string {
  const tail = model.id.split('/').pop() ?? model.id;
  return `${suggestId(who) || 'my'}/${tail}`.slice(0, 256);
}

/**
 * Clone (`POST /api/models/model/clone`): a private copy owned by the caller, with a new id and name;
 * then the copy's editor opens. A reader's copy has no parameters (docs/access.md#clone-and-transfer).
 */
export function CloneDialog({ model, onClose }: { model: Model; onClose: () => void }) {
  const { me } = useSession();
  const [newId, setNewId] = useState(() => suggestedId(model, me.username ?? me.name));
  const [name, setName] = useState(`${model.name} (copy)`);
  const [error, setError] = useState<{ field: 'id' | 'name' | 'form'; text: string }>();
  const [busy, setBusy] = useState(false);
  const clash = useIdClash(newId, true);
  const clone = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const copy = await api<Model>('/api/models/model/clone', {
        method: 'POST',
        body: { id: model.id, new_id: newId, name },
      });
      onClose();
      navigate({ p: 'edit', id: copy.id });
    } catch (caught) {
      const text = errorText(caught);
      const field = /^new_id|already exists/.test(text) || (caught instanceof ApiError && caught.status === 409);
      setError({ field: field ? 'id' : /^name/.test(text) ? 'name' : 'form', text });
    } finally {
      setBusy(false);
    }
  };
  const idError = error?.field === 'id' ? error.text : clash;
  return (
    <Dialog title={`Clone ${model.name}`} onClose={onClose}>
      <form onSubmit={(event) => void clone(event)} noValidate>
        <p class="hint">
          A private copy you own: its fields and settings{model.write_access ? ' and parameters' : ''}, shared with
          nobody.
          {model.write_access
            ? ''
            : ' The system prompt and parameters stay with the original (you can read, not edit it).'}
        </p>
        <Field id="clone-id" label="New model id" error={idError}>
          <input
            id="clone-id"
            class="mono"
            value={newId}
            required
            maxLength={256}
            {...described('clone-id', idError)}
            onInput={(e) => setNewId(e.currentTarget.value)}
          />
        </Field>
        <Field id="clone-name" label="Name of the copy" error={error?.field === 'name' ? error.text : undefined}>
          <input
            id="clone-name"
            value={name}
            required
            maxLength={256}
            {...described('clone-name', error?.field === 'name' ? error.text : undefined)}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        {error?.field === 'form' ? (
          <p class="error" role="alert">
            {error.text}
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Clone and edit the copy
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
