import { Client } from 'pg';

/** PostgreSQL type of a column as it is read from the batch's JSON. */
export type ColumnType = 'uuid' | 'text' | 'bigint' | 'integer' | 'boolean' | 'jsonb' | 'text[]' | 'uuid[]';

/**
 * Inserts a batch of rows with one statement: the rows travel as one JSON array parameter and
 * jsonb_to_recordset turns them back into typed columns. One JSON.stringify on the Node side and
 * one parse on the server side is far cheaper than quoting thousands of values one by one.
 */
export class BulkInsert<Row extends object> {
  private readonly sql: string;

  constructor(
    private readonly client: Client,
    table: string,
    columns: { [K in keyof Row]: ColumnType },
  ) {
    const names = Object.keys(columns) as (keyof Row & string)[];
    const definitions = names.map((name) => `${name} ${columns[name]}`);
    this.sql =
      `INSERT INTO ${table} (${names.join(', ')}) ` +
      `SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${definitions.join(', ')})`;
  }

  async insert(rows: readonly Row[]): Promise<void> {
    if (rows.length > 0) await this.client.query(this.sql, [JSON.stringify(rows)]);
  }
}
