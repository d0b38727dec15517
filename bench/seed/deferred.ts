import { Client } from 'pg';

/** A schema object that is dropped before the load and rebuilt after it, as pg_restore does. */
interface Deferred {
  table: string;
  name: string;
  definition: string;
}

// Secondary indexes: not primary keys or other constraint indexes, which foreign keys rely on.
const INDEXES_SQL = `
  SELECT t.relname AS table, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
   WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
   ORDER BY c.relname`;

const FOREIGN_KEYS_SQL = `
  SELECT t.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k
    JOIN pg_class t ON t.oid = k.conrelid
   WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
   ORDER BY k.conname`;

/**
 * Drops the secondary indexes and foreign keys of `tables` and returns the statements that rebuild
 * them exactly as the migrations made them, slowest (GIN) first so parallel connections finish
 * together. Building each once over the loaded rows is several times faster than maintaining it
 * row by row, and re-adding a foreign key still checks every row.
 */
export async function deferIndexesAndForeignKeys(client: Client, tables: string[]): Promise<string[]> {
  const indexes = (await client.query<Deferred>(INDEXES_SQL, [tables])).rows;
  const foreignKeys = (await client.query<Deferred>(FOREIGN_KEYS_SQL, [tables])).rows;
  for (const key of foreignKeys) {
    await client.query(`ALTER TABLE ${key.table} DROP CONSTRAINT ${client.escapeIdentifier(key.name)}`);
  }
  for (const index of indexes) await client.query(`DROP INDEX ${client.escapeIdentifier(index.name)}`);
  const isGin = (index: Deferred): number => (index.definition.includes('USING gin') ? 0 : 1);
  return [
    ...indexes.sort((a, b) => isGin(a) - isGin(b)).map((index) => index.definition),
    ...foreignKeys.map(
      (key) => `ALTER TABLE ${key.table} ADD CONSTRAINT ${client.escapeIdentifier(key.name)} ${key.definition}`,
    ),
  ];
}
