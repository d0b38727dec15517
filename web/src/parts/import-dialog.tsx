import { useState } from 'preact/hooks';
import { useAction } from '../use-action';
import { Dialog } from './dialog';
import { ResultReport } from './result-report';
import { importModels, modelsOfFile, type ImportResult } from './transfer';
import { ErrorText } from './form-parts';

const STATUSES = { created: 'created', updated: 'updated', skipped: 'skipped' };

/**
 * Import from a file: the user picks an export file (this registry's or Open WebUI's), it goes to
 * `POST /api/models/import`, and the per-id report is shown. `onImported` refreshes the list behind.
 */
export function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported: () => void }) {
  const [file, setFile] = useState<File>();
  const { busy, error, setError, run: act } = useAction();
  const [results, setResults] = useState<ImportResult[]>();

  const run = async () => {
    if (!file) return;
    await act(async () => {
      const answer = await importModels(modelsOfFile(await file.text()));
      setResults(answer.results);
      onImported();
    });
  };

  return (
    <Dialog title="Import models" onClose={onClose}>
      {results ? (
        <>
          <h3>Report</h3>
          <ResultReport label="Import report" results={results} statuses={STATUSES} />
          <div class="actions">
            <button type="button" class="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <>
          <p class="hint">
            A file exported from this registry or from Open WebUI. A model whose id is new is created (you own it); one
            you can change is overwritten with the file's fields; any other is skipped, saying why.
          </p>
          <div class="field">
            <label for="import-file">Export file (JSON)</label>
            <input
              id="import-file"
              type="file"
              accept=".json,application/json"
              onChange={(event) => {
                setFile(event.currentTarget.files?.[0]);
                setError(undefined);
              }}
            />
          </div>
          <ErrorText error={error} />
          <div class="actions">
            <button type="button" class="primary" disabled={!file || busy} onClick={() => void run()}>
              {busy ? 'Importing…' : 'Import'}
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
