/**
 * Columns derived from a model's fields for indexed search, tag filter and name sort. Lower-casing
 * happens here (Unicode-aware), not in SQL, so results do not depend on the server's locale.
 */
export interface DerivedModelColumns {
  tags: string[];
  search: string;
  nameSort: string;
}

/** Separates fields in search columns so a query cannot match across two fields. */
export const SEARCH_SEPARATOR = '\u001f';

export function searchText(parts: Array<string | null | undefined>): string {
  return parts
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .map((part) => part.toLowerCase().replaceAll(SEARCH_SEPARATOR, ' '))
    .join(SEARCH_SEPARATOR);
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

/** What the owner search matches: the user's name, email and username. */
export function userSearchText(user: { name: string; email: string; username: string | null }): string {
  return searchText([user.name, user.email, user.username]);
}
