/**
 * An answer whose JSON text is already built (by PostgreSQL, for the largest lists): the
 * revalidation interceptor sends and caches the text as it is instead of stringifying an object.
 * Anywhere else it still serialises to the same JSON (through toJSON), only slower.
 */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
