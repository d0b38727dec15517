/**
 * SQL statements built from fragments in which values can only be bound parameters: the `sql`
 * tag keeps its literal text and binds every interpolated value, so text from a request can
 * never become SQL. Only a `Sql` fragment is embedded as text, and only this module makes one.
 *
 *   const user = sql.param(caller.userId);            // one parameter, however often it is used
 *   const where = sql`m.user_id = ${user}::uuid OR m.id = ${id}`;
 *   toStatement(sql`SELECT m.id FROM models m WHERE ${where}`)
 *   // { text: 'SELECT m.id FROM models m WHERE m.user_id = $1::uuid OR m.id = $2', values: [userId, id] }
 */

/** A value PostgreSQL receives as a parameter; `undefined` is left out so a missing value is a type error. */
export type SqlValue = string | number | boolean | Date | null | readonly string[] | readonly number[];

/** One bound parameter; the same instance used twice in a statement gets one number. */
class Param {
  constructor(readonly value: SqlValue) {}
}

type Part = string | Param;

// Set in Sql's static block: only this module can make a fragment or read one's parts.
let makeSql!: (parts: readonly Part[]) => Sql;
let partsOf!: (statement: Sql) => readonly Part[];

/** A piece of SQL text with its parameters. Nominal: only `sql`, `sql.param`, `sql.join` and `sql.raw` make one. */
export class Sql {
  readonly #parts: readonly Part[];

  private constructor(parts: readonly Part[]) {
    this.#parts = parts;
  }

  static {
    makeSql = (parts) => new Sql(parts);
    partsOf = (statement) => statement.#parts;
  }
}

function sqlTag(strings: TemplateStringsArray, ...values: Array<Sql | SqlValue>): Sql {
  const parts: Part[] = [strings[0]];
  values.forEach((value, index) => {
    if (value instanceof Sql) parts.push(...partsOf(value));
    else parts.push(new Param(value));
    parts.push(strings[index + 1]);
  });
  return makeSql(parts);
}

/** Accepts only a literal written in the code: `string` and `number` themselves are rejected. */
type Literal<T extends string | number> = string extends T ? never : number extends T ? never : T;

export const sql = Object.assign(sqlTag, {
  /** A parameter to use more than once in a statement: one `$n` wherever it appears, e.g. the caller's id. */
  param(value: SqlValue): Sql {
    return makeSql([new Param(value)]);
  },

  /** The fragments with `separator` between them; `empty` when there are none. */
  join(fragments: readonly Sql[], separator: Sql): Sql {
    if (fragments.length === 0) return sql.empty;
    return makeSql(fragments.flatMap((part, index) => [...(index > 0 ? partsOf(separator) : []), ...partsOf(part)]));
  },

  /** A project constant as text (e.g. the page size in LIMIT); its type admits only literals. */
  raw<T extends string | number>(text: Literal<T>): Sql {
    return makeSql([String(text)]);
  },

  empty: makeSql([]),
});

export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** The statement's text with parameters numbered $1..$n in order of appearance, and their values. */
export function toStatement(fragment: Sql): SqlStatement {
  const numbers = new Map<Param, number>();
  const values: unknown[] = [];
  let text = '';
  for (const part of partsOf(fragment)) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    let number = numbers.get(part);
    if (number === undefined) {
      values.push(part.value);
      number = values.length;
      numbers.set(part, number);
    }
    text += `$${number}`;
  }
  return { text, values };
}

/** What runs a statement: a DataSource, an EntityManager inside a transaction, a Repository, a pg Client. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Runs a SELECT (or anything RETURNING rows) and returns its rows as `Row`. */
export async function queryRows<Row>(db: Queryable, statement: Sql): Promise<Row[]> {
  const { text, values } = toStatement(statement);
  return (await db.query(text, values)) as Row[];
}

/** Runs a statement whose result is not needed (DELETE, UPDATE, INSERT, a lock). */
export async function execute(db: Queryable, statement: Sql): Promise<void> {
  const { text, values } = toStatement(statement);
  await db.query(text, values);
}

/** Escapes LIKE metacharacters so `%`, `_` and `\` in user input match literally (default ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => '\\' + char);
}
