import { types } from 'pg';

const TEXT_ARRAY_OID = 1009;
/** PostgreSQL's own parser for text[] (what `pg` applies to such a column). */
const parseTextArray = (types.getTypeParser as (oid: number, format: 'text') => (text: string) => string[])(
  TEXT_ARRAY_OID,
  'text',
);

/** Each frozen list made here, with the PostgreSQL array text it came from. */
const sourceTexts = new WeakMap<readonly string[], string>();

/**
 * A text[] value read as its text (`{a,b}`), parsed once into a frozen list that remembers that
 * text: bound back as a parameter it is sent as the same text, not serialised again element by
 * element (a 500-id API-key allow-list took ~0.2–0.3 ms each way; README, Performance).
 */
export function frozenTextArray(text: string): string[] {
  const list = Object.freeze(parseTextArray(text));
  sourceTexts.set(list, text);
  return list as string[];
}

/**
 * What to bind for a `$n::text[]` parameter: PostgreSQL's own text for a list made by
 * frozenTextArray (which it reads back as the same array), else the list for `pg` to serialise.
 */
export function textArrayParam(list: readonly string[]): readonly string[] | string {
  return sourceTexts.get(list) ?? list;
}
