import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../api';
import type { Model } from '../types';
import { BulkDialog } from './bulk-dialog';
import { ImportDialog } from './import-dialog';
import type { Selection } from './selection';
import { downloadJson, exportFileName, exportModels } from './transfer';

interface ToolsProps {
  /** The models on the page shown now. */
  models: Model[];
  selection: Selection;
  /** The list's filters as the bulk route takes them, and in words with the list's total. */
  filter: Record<string, string>;
  filterText: string;
  /** After an import or a bulk change: reload the list (and tags). */
  onChanged: () => void;
}

/** "Select all on this page": checked when every row is, mixed when some are. */
function SelectPage({ models, selection }: Pick<ToolsProps, 'models' | 'selection'>) {
  const box = useRef<HTMLInputElement>(null);
  const picked = models.filter((model) => selection.has(model.id)).length;
  const all = models.length > 0 && picked === models.length;
  useEffect(() => {
    if (box.current) box.current.indeterminate = picked > 0 && !all;
  });
  return (
    <label class="check select-page">
      <input
        ref={box}
        type="checkbox"
        checked={all}
        disabled={models.length === 0}
        onChange={(event) =>
          selection.set(
            models.map((model) => model.id),
            event.currentTarget.checked,
          )
        }
      />
      Select all on this page
    </label>
  );
}

/**
 * Above the list: the selection (select the page, how many are selected, clear) and what can be
 * done with it or with the whole list: bulk changes, export (selected or all), import.
 */
export function ListTools({ models, selection, filter, filterText, onChanged }: ToolsProps) {
  const [open, setOpen] = useState<'none' | 'import' | 'bulk'>('none');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const count = selection.ids.length;

  const exportNow = async (ids?: string[]) => {
    setBusy(true);
    setMessage(undefined);
    try {
      const exported = await exportModels(ids);
      downloadJson(exportFileName(), exported);
      const left = ids ? ids.length - exported.length : 0;
      const noun = exported.length === 1 ? 'model' : 'models';
      setMessage({
        text:
          `Exported ${exported.length} ${noun}.` +
          (left > 0 ? ` ${left} selected ${left === 1 ? 'model' : 'models'} you cannot change left out.` : ''),
      });
    } catch (caught) {
      setMessage({ text: errorText(caught), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="list-tools">
      <div class="selection-bar">
        <SelectPage models={models} selection={selection} />
        <span class="selected-count" aria-live="polite">
          {count === 0 ? 'No models selected' : `${count} selected`}
        </span>
        {count > 0 ? (
          <button type="button" class="link" onClick={selection.clear}>
            Clear selection
          </button>
        ) : null}
      </div>
      <div class="tool-buttons">
        <button type="button" onClick={() => setOpen('bulk')}>
          Bulk change…
        </button>
        <button type="button" disabled={busy || count === 0} onClick={() => void exportNow(selection.ids)}>
          Export selected
        </button>
        <button type="button" disabled={busy} onClick={() => void exportNow()}>
          Export all
        </button>
        <button type="button" onClick={() => setOpen('import')}>
          Import…
        </button>
      </div>
      {message?.error ? (
        <p class="error" role="alert">
          {message.text}
        </p>
      ) : (
        <p class="hint tool-message" aria-live="polite">
          {message?.text}
        </p>
      )}
      {open === 'bulk' ? (
        <BulkDialog
          selected={selection.ids}
          filter={filter}
          filterText={filterText}
          onClose={() => setOpen('none')}
          onApplied={(action, answer) => {
            // Deleted models cannot stay selected; after any other change the selection stays.
            if (action === 'delete')
              selection.set(
                answer.results.filter((result) => result.status === 'changed').map((result) => result.id),
                false,
              );
            onChanged();
          }}
        />
      ) : null}
      {open === 'import' ? <ImportDialog onClose={() => setOpen('none')} onImported={onChanged} /> : null}
    </div>
  );
}
