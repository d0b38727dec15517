import { ModelRow } from './custom-models';
import { UserRow } from './people';

interface Filter {
  query?: string;
  tag?: string;
}

/** The `query=` and `tag=` values the load run uses: common ones match thousands, rare ones dozens. */
export const FILTERS = {
  query_common: { query: 'coder' },
  query_rare: { query: 'numismatic' },
  // A colleague's surname: matches through the owner's name and email, not the model's text.
  query_owner: { query: 'nakamura' },
  tag_common: { tag: 'legal' },
  tag_rare: { tag: 'origami' },
} as const satisfies Record<string, Filter>;

export type FilterName = keyof typeof FILTERS;
const NAMES = Object.keys(FILTERS) as FilterName[];

/** Which custom models each filter matches, so the fixtures can state the expected `total`s. */
export class Matches {
  private readonly hits: Record<FilterName, Uint8Array>;
  /** Per filter, per user: whether the owner's name, email or username matches (the list searches them too). */
  private readonly ownerHits: Record<FilterName, Uint8Array>;

  constructor(count: number, users: UserRow[]) {
    const per = <T>(make: (name: FilterName) => T) =>
      Object.fromEntries(NAMES.map((name) => [name, make(name)])) as Record<FilterName, T>;
    this.hits = per(() => new Uint8Array(count));
    this.ownerHits = per((name) => {
      const filter: Filter = FILTERS[name];
      return Uint8Array.from(users, (user) => (filter.query && user.search.includes(filter.query) ? 1 : 0));
    });
  }

  record(index: number, row: ModelRow, owner: number): void {
    for (const name of NAMES) {
      const filter: Filter = FILTERS[name];
      const hit = filter.query
        ? row.search.includes(filter.query) || this.ownerHits[name][owner] === 1
        : row.tags.includes(filter.tag ?? '');
      this.hits[name][index] = hit ? 1 : 0;
    }
  }

  /** Matches among `models` (indexes), or among all custom models. */
  count(name: FilterName, models?: readonly number[]): number {
    const hits = this.hits[name];
    if (!models) return hits.reduce((sum, hit) => sum + hit, 0);
    return models.reduce((sum, model) => sum + hits[model], 0);
  }

  /** Every filter's match count among `models`, or among all custom models. */
  counts(models?: readonly number[]): Record<FilterName, number> {
    return Object.fromEntries(NAMES.map((name) => [name, this.count(name, models)])) as Record<FilterName, number>;
  }
}
