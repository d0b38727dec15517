import { useState } from 'preact/hooks';
import { Link } from '../link';
import { useSession } from '../session';
import type { Model } from '../types';
import { CloneDialog } from './clone-dialog';
import { TransferDialog } from './transfer-dialog';

/** Whether the caller may create models, and so clone (USER_CAN_CREATE_MODELS, as `GET /api/auths` says). */
export function useMayCreate(): boolean {
  const { me } = useSession();
  return me.role === 'admin' || me.permissions?.workspace?.models_import === true;
}

interface ToolsProps {
  model: Model;
  /** On a list row: no transfer (the editor has it), to keep rows short. */
  row?: boolean;
  onChanged?: () => void;
}

/**
 * A model's history (writers), clone (anyone who may create models) and transfer (owner or admin),
 * as buttons for the caller's row of actions; readers see only Clone.
 */
export function ModelTools({ model, row, onChanged }: ToolsProps) {
  const { me } = useSession();
  const [open, setOpen] = useState<'none' | 'clone' | 'transfer'>('none');
  const mayCreate = useMayCreate();
  const mayTransfer = !row && model.write_access && (me.role === 'admin' || me.id === model.user_id);
  return (
    <>
      {model.write_access ? (
        <Link to={{ p: 'history', id: model.id }} class="button small" aria-label={`History of ${model.name}`}>
          History
        </Link>
      ) : null}
      {mayCreate ? (
        <button type="button" class="small" aria-label={`Clone ${model.name}`} onClick={() => setOpen('clone')}>
          Clone
        </button>
      ) : null}
      {mayTransfer ? (
        <button type="button" class="small" onClick={() => setOpen('transfer')}>
          Transfer ownership
        </button>
      ) : null}
      {open === 'clone' ? <CloneDialog model={model} onClose={() => setOpen('none')} /> : null}
      {open === 'transfer' ? (
        <TransferDialog model={model} onClose={() => setOpen('none')} onDone={() => onChanged?.()} />
      ) : null}
    </>
  );
}
