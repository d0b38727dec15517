/** Collects positional parameters while SQL text is assembled: `sql += p.add(value)` yields `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Escapes LIKE metacharacters so `%`, `_` and `\` in user input match literally (default ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => '\\' + char);
}
