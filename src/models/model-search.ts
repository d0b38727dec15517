import { searchText } from '../common/search-text';

/**
 * Columns derived from a model's fields for indexed search, tag filter and name sort. Lower-casing
 * happens here (Unicode-aware), not in SQL, so results do not depend on the server's locale.
 */
export interface DerivedModelColumns {
  tags: string[];
  search: string;
  nameSort: string;
}

/** Tag names as stored: trimmed, lower-cased, once each, in first-seen order. */
export function normaliseTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) return [];
  const names = tags
    .map((tag: unknown) => (typeof tag === 'string' ? tag : (tag as { name?: unknown } | null)?.name))
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  return [...new Set(names)];
}

export function deriveModelColumns(model: {
  id: string;
  name: string;
  baseModelId: string | null;
  meta: Record<string, unknown>;
}): DerivedModelColumns {
  const description = typeof model.meta.description === 'string' ? model.meta.description : null;
  return {
    tags: normaliseTags(model.meta.tags),
    search: searchText([model.name, model.id, model.baseModelId, description]),
    nameSort: model.name.toLowerCase(),
  };
}
