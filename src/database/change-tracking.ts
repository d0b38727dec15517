import { Queryable, queryRows, sql } from '../common/sql';

/**
 * THE read of the registry's change tracking (migration ChangeTracking1796044313970; docs/api.md,
 * "Revalidation"). Statement-level triggers on models, access_grants and users (owner fields) bump
 * one of the rows of `change_counters` in the writer's own transaction; this sum therefore moves
 * exactly when a change that may alter some answer commits, and it is the same on every instance.
 *
 * Rules for whoever reads it (ETags, answer caches, read replicas):
 * - Read it from the PRIMARY, BEFORE (or in the same statement as) the data the answer is built
 *   from. Then the answer is at least as new as the version: a change committed after the read
 *   also moved the version, so the tag built from the older version is never current again. Read
 *   after the data, a change committing in between would tie the new version to the old answer.
 * - The auth lookup folds it into its one query (CHANGE_VERSION in auth-user.loader.ts), so a
 *   revalidation costs no extra round trip.
 * - Replicas: an answer may come from a replica only if that replica has replayed at least up to
 *   the primary's position when the version was read; an older replica could build an old answer
 *   under the new version's tag, and that tag would then 304 the old answer.
 *
 * Why not a sequence: `nextval` is not transactional, so a writer's bump is visible before its
 * change commits. A reader could then see the new number with the old rows, tag the old answer with
 * it, and 304 that stale answer after the commit. A counter row updated in the writer's transaction
 * becomes visible with the change, never before. Why several rows: one row would serialise every
 * concurrent writing transaction on its row lock until commit; a writer bumps the row of its
 * backend (pid modulo the row count), so writers on different connections rarely wait for each
 * other, and the sum still grows with every commit that bumped any row.
 */
export const CHANGE_VERSION = sql`(SELECT sum(c.version) FROM change_counters c)::text`;

/** The current change version, on its own (the auth lookup reads it with the caller instead). */
export async function readChangeVersion(primary: Queryable): Promise<string> {
  const [row] = await queryRows<{ version: string }>(primary, sql`SELECT ${CHANGE_VERSION} AS version`);
  return row.version;
}
