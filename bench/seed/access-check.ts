import { Client } from 'pg';

/**
 * Proves the seeded access columns are what the service's own rule stores: runs
 * refresh_model_access over every model, which writes only the models and grants whose readers,
 * writers, is_public, private_custom or groups_before differ from what it computes, counts the
 * rows it wrote in this transaction, and rolls back. Throws unless it wrote none.
 */
export async function checkSeededAccess(client: Client): Promise<void> {
  const written = await accessRefreshWrites(client);
  if (written.models !== 0 || written.access_grants !== 0) {
    throw new Error(
      `seeded access columns differ from refresh_model_access: it rewrote ${written.models} models ` +
        `and ${written.access_grants} grants`,
    );
  }
}

/** How many models and grants refresh_model_access over every model would rewrite (rolled back). */
export async function accessRefreshWrites(client: Client): Promise<{ models: number; access_grants: number }> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT refresh_model_access(ARRAY(SELECT id FROM models))');
    const { rows } = await client.query<{ relname: 'models' | 'access_grants'; n: number }>(
      `SELECT relname, n_tup_upd::int AS n FROM pg_stat_xact_user_tables WHERE relname IN ('models', 'access_grants')`,
    );
    const count = (table: string): number => rows.find((row) => row.relname === table)?.n ?? 0;
    return { models: count('models'), access_grants: count('access_grants') };
  } finally {
    await client.query('ROLLBACK');
  }
}
