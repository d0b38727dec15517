import type { Client } from 'pg';

/**
 * The fixtures (accounts, API key, filter words, expected totals) are also kept in the seeded
 * database itself, in bench.seed, so `npm run bench` pointed at a database always uses the
 * fixtures of the data in it, whichever profile seeded it.
 */
export async function storeFixtures(client: Client, content: object): Promise<void> {
  await client.query('CREATE SCHEMA IF NOT EXISTS bench');
  await client.query('DROP TABLE IF EXISTS bench.seed');
  await client.query('CREATE TABLE bench.seed (content jsonb NOT NULL)');
  await client.query('INSERT INTO bench.seed (content) VALUES ($1)', [JSON.stringify(content)]);
}

/** The fixtures the seed stored, or null for a database seeded before they were stored. */
export async function readStoredFixtures<T>(client: Client): Promise<T | null> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT to_regclass('bench.seed') IS NOT NULL AS present`);
  if (!rows[0].present) return null;
  const stored = await client.query<{ content: T }>('SELECT content FROM bench.seed LIMIT 1');
  return stored.rows[0]?.content ?? null;
}
