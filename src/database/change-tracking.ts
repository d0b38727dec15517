import { Queryable, queryRows, Sql, sql } from '../common/sql';

/**
 * THE read of the registry's change tracking (migrations ChangeTracking1796044313970 and
 * ScopedChangeTracking1796048342849; docs/api.md, "Revalidation"). Statement-level triggers on
 * models, access_grants and users (owner fields) bump, in the writer's own transaction, the
 * counters of the scopes that may see the change: the model's owner (`u:<id>`), its grantees
 * (`u:<id>`, `g:<id>`), `public` when it is public, `all` for a base model or an owner's name, and
 * always `admin`. A caller's version is the sum of the counters of its scopes (`all`, `public`,
 * itself, its groups, `admin` for admins): it moves exactly when a change that may alter that
 * caller's answers commits, and it is the same on every instance.
 *
 * Rules for whoever reads it (ETags, answer caches, read replicas):
 * - Read it from the PRIMARY, BEFORE (or in the same statement as) the data the answer is built
 *   from. Then the answer is at least as new as the version: a change committed after the read
 *   also moved the version, so the tag built from the older version is never current again. Read
 *   after the data, a change committing in between would tie the new version to the old answer.
 * - The auth lookup folds it into its one query (auth-user.loader.ts), so a revalidation costs
 *   no extra round trip; the caller memo skips even that while no change has committed, which
 *   every bump notifies (migration CallerChangeNotifications, docs/caller-memo.md).
 * - Replicas: an answer may come from a replica only if that replica has replayed at least up to
 *   the primary's position when the version was read; an older replica could build an old answer
 *   under the new version's tag, and that tag would then 304 the old answer.
 *
 * The scopes of a change are computed at the end of its statement, from the grants committed
 * then. So a write that changes a model's grants also updates the model row in its transaction (as
 * AccessGrantsService.replaceGrants sets `is_public`): that row lock orders it with concurrent edits
 * of the model, and whichever commits last bumps the scopes of the grants the other added.
 *
 * Why not a sequence: `nextval` is not transactional, so a writer's bump is visible before its
 * change commits. A reader could then see the new number with the old rows, tag the old answer with
 * it, and 304 that stale answer after the commit. A counter row updated in the writer's transaction
 * becomes visible with the change, never before. Why several rows: one row would serialise every
 * concurrent writing transaction on its row lock until commit; a writer bumps the row of its
 * backend (pid modulo the row count), so writers on different connections rarely wait for each
 * other, and the sum still grows with every commit that bumped any row (`npm run bench:writers`).
 * The price: a writing transaction holds its counter row from its first tracked statement to its
 * commit. Writes here change one model (and its grants) per transaction, so that lock is the last
 * one each takes; a future transaction that locks several models one statement at a time could
 * deadlock with another mapped to the same row (PostgreSQL then aborts one), and should lock its
 * rows in one statement or in a fixed order.
 */
export function changeVersionOf(user: Sql): Sql {
  const scopes = sql`ARRAY['all', 'public', 'u:' || ${user}.id::text]
    || ARRAY(SELECT 'g:' || gm.group_id::text FROM group_members gm WHERE gm.user_id = ${user}.id)
    || CASE WHEN ${user}.role = 'admin' THEN ARRAY['admin'] ELSE ARRAY[]::text[] END`;
  return sql`COALESCE((SELECT sum(c.version) FROM change_counters c WHERE c.scope = ANY(${scopes})), 0)::text`;
}

/** The scopes changeVersionOf sums for this caller: a read replica sums the same counters. */
export function changeScopesOf(user: { id: string; groupIds: string[]; role: string }): string[] {
  const groups = user.groupIds.map((id) => `g:${id}`);
  return ['all', 'public', `u:${user.id}`, ...groups, ...(user.role === 'admin' ? ['admin'] : [])];
}

/** A user's change version, on its own (the auth lookup reads it with the caller instead). */
export async function readChangeVersion(primary: Queryable, userId: string): Promise<string | null> {
  const [row] = await queryRows<{ version: string }>(
    primary,
    sql`SELECT ${changeVersionOf(sql`u`)} AS version FROM users u WHERE u.id = ${userId}`,
  );
  return row?.version ?? null;
}
