import { useState } from 'preact/hooks';
import { api } from '../api';
import { useAction } from '../use-action';
import { BulkGrants, bulkGrants, type BulkPrincipal } from './bulk-grants';
import { Dialog } from './dialog';
import { ResultReport, type ResultItem } from './result-report';
import { ErrorText } from './form-parts';

export type BulkAction = 'hide' | 'unhide' | 'activate' | 'deactivate' | 'share' | 'unshare' | 'delete';

/** Each action as the menu offers it, and the verb of its confirm button. */
const ACTIONS: Record<BulkAction, [string, string]> = {
  hide: ['Hide', 'Hide'],
  unhide: ['Unhide', 'Unhide'],
  activate: ['Activate', 'Activate'],
  deactivate: ['Deactivate', 'Deactivate'],
  share: ['Share with people or groups', 'Share'],
  unshare: ['Stop sharing with people or groups', 'Stop sharing'],
  delete: ['Delete', 'Delete'],
};
const PREVIEW = { changed: 'would change', unchanged: 'unchanged (already so)', skipped: 'skipped' };
const DONE = { changed: 'changed', unchanged: 'unchanged (already so)', skipped: 'skipped' };

export interface BulkAnswer {
  matched: number;
  results: ResultItem[];
}

interface BulkProps {
  selected: string[];
  /** The list's filters as the bulk route takes them, and how to say them ("tagged “support”"). */
  filter: Record<string, string>;
  filterText: string;
  onClose: () => void;
  onApplied: (action: BulkAction, answer: BulkAnswer) => void;
}

const plural = (n: number) => `${n} ${n === 1 ? 'model' : 'models'}`;

/**
 * Bulk changes (`POST /api/models/bulk`) on the selected models or on everything the list's filters
 * match: always a dry run first, its preview shown, then a confirm button applies it and the per-id
 * report is shown. Any change to the form drops the preview, so what is applied is what was shown.
 */
export function BulkDialog({ selected, filter, filterText, onClose, onApplied }: BulkProps) {
  const [scope, setScope] = useState<'selected' | 'filter'>(selected.length > 0 ? 'selected' : 'filter');
  const [action, setAction] = useState<BulkAction>('hide');
  const [principals, setPrincipals] = useState<BulkPrincipal[]>([]);
  const [preview, setPreview] = useState<BulkAnswer>();
  const [report, setReport] = useState<BulkAnswer>();
  const { busy, error, setError, run } = useAction();
  const withGrants = action === 'share' || action === 'unshare';

  const edit = (change: () => void) => {
    setPreview(undefined);
    setError(undefined);
    change();
  };
  const call = (dryRun: boolean) =>
    run(async () => {
      const answer = await api<BulkAnswer>('/api/models/bulk', {
        method: 'POST',
        body: {
          filter: scope === 'selected' ? { ids: selected } : filter,
          action,
          grants: withGrants ? bulkGrants(principals, action) : undefined,
          dry_run: dryRun,
        },
      });
      if (dryRun) setPreview(answer);
      else {
        setReport(answer);
        onApplied(action, answer);
      }
    });
  const toChange = preview?.results.filter((result) => result.status === 'changed').length ?? 0;

  if (report)
    return (
      <Dialog title="Bulk change" onClose={onClose}>
        <h3>Report</h3>
        <p aria-live="polite">{`${ACTIONS[action][1]}: ${plural(report.matched)} matched.`}</p>
        <ResultReport label="Bulk report" results={report.results} statuses={DONE} />
        <div class="actions">
          <button type="button" class="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );

  return (
    <Dialog title="Bulk change" onClose={onClose}>
      <fieldset class="scope">
        <legend>Models</legend>
        <label class="check">
          <input
            type="radio"
            name="bulk-scope"
            checked={scope === 'selected'}
            disabled={selected.length === 0}
            onChange={() => edit(() => setScope('selected'))}
          />
          The {selected.length} selected
        </label>
        <label class="check">
          <input
            type="radio"
            name="bulk-scope"
            checked={scope === 'filter'}
            onChange={() => edit(() => setScope('filter'))}
          />
          Everything this list matches: {filterText}
        </label>
      </fieldset>
      <div class="field">
        <label for="bulk-action">Action</label>
        <select
          id="bulk-action"
          value={action}
          onChange={(e) => edit(() => setAction(e.currentTarget.value as BulkAction))}
        >
          {Object.entries(ACTIONS).map(([value, [label]]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {withGrants ? (
        <BulkGrants action={action} principals={principals} onChange={(next) => edit(() => setPrincipals(next))} />
      ) : null}
      <p class="hint">Only models you can change are changed; each one changes whole or not at all.</p>
      <ErrorText error={error} />
      {preview ? (
        <div aria-live="polite">
          <h3>Preview</h3>
          <p>{`${plural(preview.matched)} matched. Nothing has changed yet.`}</p>
          <ResultReport label="Preview" results={preview.results} statuses={PREVIEW} />
        </div>
      ) : null}
      <div class="actions">
        {preview ? (
          <button
            type="button"
            class={action === 'delete' ? 'danger' : 'primary'}
            disabled={busy || toChange === 0}
            onClick={() => void call(false)}
          >
            {`${ACTIONS[action][1]} ${plural(toChange)}`}
          </button>
        ) : (
          <button
            type="button"
            class="primary"
            disabled={busy || (withGrants && principals.length === 0)}
            onClick={() => void call(true)}
          >
            Preview
          </button>
        )}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
