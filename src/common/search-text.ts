/** Separates fields in search columns so a query cannot match across two fields. */
export const SEARCH_SEPARATOR = '\u001f';

/**
 * The lower-cased text a search column holds. Lower-casing happens here (Unicode-aware), not in
 * SQL, so results do not depend on the server's locale.
 */
export function searchText(parts: Array<string | null | undefined>): string {
  return parts
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .map((part) => part.toLowerCase().replaceAll(SEARCH_SEPARATOR, ' '))
    .join(SEARCH_SEPARATOR);
}
