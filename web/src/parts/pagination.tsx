import { Link } from '../link';
import type { Params } from '../route';

/** The page numbers to show: the first, the last, and two either side of the current one. */
export function pageNumbers(current: number, last: number): (number | '…')[] {
  const shown: (number | '…')[] = [];
  for (let page = 1; page <= last; page++) {
    if (page === 1 || page === last || Math.abs(page - current) <= 2) shown.push(page);
    else if (shown[shown.length - 1] !== '…') shown.push('…');
  }
  return shown;
}

interface PaginationProps {
  page: number;
  total: number;
  pageSize: number;
  /** The list's parameters for a given page. */
  at: (page: number) => Params;
}

/** Numbered pages as real links, so every page has its own address. */
export function Pagination({ page, total, pageSize, at }: PaginationProps) {
  const last = Math.max(1, Math.ceil(total / pageSize));
  if (last <= 1) return null;
  return (
    <nav class="pagination" aria-label="Pages of results">
      {page > 1 ? (
        <Link to={at(page - 1)} aria-label="Previous page">
          ‹ Previous
        </Link>
      ) : null}
      {pageNumbers(page, last).map((entry, index) =>
        entry === '…' ? (
          <span key={`gap-${index}`} class="gap" aria-hidden="true">
            …
          </span>
        ) : (
          <Link
            key={entry}
            to={at(entry)}
            aria-label={`Page ${entry}`}
            aria-current={entry === page ? 'page' : undefined}
          >
            {String(entry)}
          </Link>
        ),
      )}
      {page < last ? (
        <Link to={at(page + 1)} aria-label="Next page">
          Next ›
        </Link>
      ) : null}
    </nav>
  );
}
