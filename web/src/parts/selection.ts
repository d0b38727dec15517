import { useState } from 'preact/hooks';

export interface Selection {
  /** The selected ids, in the order they were picked. */
  ids: string[];
  has: (id: string) => boolean;
  set: (ids: string[], on: boolean) => void;
  clear: () => void;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The rows the user picked (docs/webapp.md, Selection). It lasts while `scope` (the list's filters)
 * stays the same: paging and sorting keep it, a new search, tag or view starts empty, since the
 * models picked may not be in the new list at all.
 */
export function useSelection(scope: string): Selection {
  const [state, setState] = useState<{ scope: string; ids: ReadonlySet<string> }>({ scope, ids: NONE });
  const current = state.scope === scope ? state.ids : NONE;
  return {
    ids: [...current],
    has: (id) => current.has(id),
    set: (ids, on) =>
      setState((previous) => {
        const next = new Set(previous.scope === scope ? previous.ids : NONE);
        for (const id of ids) {
          if (on) next.add(id);
          else next.delete(id);
        }
        return { scope, ids: next };
      }),
    clear: () => setState({ scope, ids: NONE }),
  };
}
