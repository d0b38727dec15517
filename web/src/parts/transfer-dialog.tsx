import { useState } from 'preact/hooks';
import { api } from '../api';
import { useAction } from '../use-action';
import type { Model } from '../types';
import { Dialog } from './dialog';
import { UserPicker, type FoundUser } from './user-picker';
import { ErrorText } from './form-parts';

/**
 * Transfer ownership (`POST /api/models/model/transfer`, the owner or an admin): pick a person,
 * confirm, see the result. The old owner keeps edit access; other sharing stays as it is.
 */
export function TransferDialog({ model, onClose, onDone }: { model: Model; onClose: () => void; onDone: () => void }) {
  const [to, setTo] = useState<FoundUser>();
  const [done, setDone] = useState<Model>();
  const { busy, error, run } = useAction();
  const owner = model.user?.name ?? 'nobody';
  const transfer = async () => {
    if (!to) return;
    await run(async () => {
      setDone(
        await api<Model>('/api/models/model/transfer', { method: 'POST', body: { id: model.id, user_id: to.id } }),
      );
      onDone();
    });
  };
  return (
    <Dialog title={`Transfer ${model.name}`} onClose={onClose}>
      {done ? (
        <>
          <p role="status">
            <strong>{done.user?.name ?? to?.name}</strong> now owns {done.name}. {owner} keeps edit access; everyone
            else's access is unchanged.
          </p>
          <div class="actions">
            <button type="button" class="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <>
          <p class="hint">
            Owner now: {owner}. The new owner can share, transfer and delete it; {owner} keeps edit access.
          </p>
          {to ? (
            <p>
              Transfer to <strong>{to.name}</strong> <span class="hint">{to.email}</span>?{' '}
              <button type="button" class="link" onClick={() => setTo(undefined)}>
                Choose someone else
              </button>
            </p>
          ) : (
            <UserPicker
              id="transfer-person"
              label="New owner"
              verb="Choose"
              results="People to choose from"
              onPick={setTo}
            />
          )}
          <ErrorText error={error} />
          <div class="actions">
            <button type="button" class="primary" disabled={!to || busy} onClick={() => void transfer()}>
              {to ? `Transfer to ${to.name}` : 'Transfer'}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
