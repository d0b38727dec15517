import { Replica } from '../src/database/read-replicas';
import { ADMIN_URL_ENV, withAdminClient } from './support/test-database';

/**
 * A replica shut down while one of its connections is checked out between two statements
 * (read-router.ts: the replay check, then the read) sends 57P01 with no query in flight. pg-pool
 * listens only to idle connections, so before Replica.checkOut this was an unhandled 'error' event
 * (CI saw it once in read-replicas.e2e): the process would end. Now it is a dropped connection.
 */
it('a checked-out replica connection ended by the server is marked dropped, not an unhandled error', async () => {
  const url = process.env[ADMIN_URL_ENV]!;
  const replica = new Replica(url, 2);
  try {
    const out = await replica.checkOut();
    const pid = (await out.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    // No query in flight on `out` now: the server ends it.
    await withAdminClient(url, (admin) => admin.query('SELECT pg_terminate_backend($1)', [pid]));
    const deadline = Date.now() + 5000;
    while (!out.dropped && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(out.dropped).toBe(true);
    await expect(out.client.query('SELECT 1')).rejects.toThrow();
    out.release(false);
    // The pool closed it instead of handing it out again.
    const next = await replica.checkOut();
    expect((await next.client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
    next.release(false);
  } finally {
    await replica.pool.end();
  }
});
