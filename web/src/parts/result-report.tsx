export interface ResultItem {
  id: string;
  status: string;
  reason?: string;
  warnings?: string[];
}

interface ReportProps {
  /** The list's accessible name, e.g. "Import report". */
  label: string;
  results: ResultItem[];
  /** How each status reads ("changed" → "would change" in a preview); the order of the summary. */
  statuses: Record<string, string>;
}

/** Counts per status, in the order `statuses` names them: "2 created, 1 skipped". */
export function summary(results: ResultItem[], statuses: Record<string, string>): string {
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result.status, (counts.get(result.status) ?? 0) + 1);
  const parts = Object.entries(statuses)
    .filter(([status]) => counts.has(status))
    .map(([status, text]) => `${counts.get(status)} ${text}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}

/**
 * A per-id report (bulk changes, import): the counts, then one line per id with its status, the
 * reason it was skipped and any warnings. Ids and reasons come from the API and are shown as text.
 */
export function ResultReport({ label, results, statuses }: ReportProps) {
  return (
    <div class="report">
      <p>
        <strong>{summary(results, statuses)}</strong>
      </p>
      {results.length > 0 ? (
        // Focusable so a keyboard can scroll a long report.
        <ul class="report-list" aria-label={label} tabIndex={0}>
          {results.map((result, index) => (
            <li key={`${index}:${result.id}`}>
              <code>{result.id}</code>{' '}
              <span class={`badge status-${result.status}`}>{statuses[result.status] ?? result.status}</span>
              {result.reason ? <span class="reason"> {result.reason}</span> : null}
              {result.warnings && result.warnings.length > 0 ? (
                <ul class="warnings" aria-label={`Warnings for ${result.id}`}>
                  {result.warnings.map((warning) => (
                    <li key={warning}>{warning}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
