import type { Client } from 'pg';
import type { Caller } from '../../src/access/caller';
import { userSearchText } from '../../src/users/user-search';

/** How the private share reaches the sweep's caller: grants to it directly, or to its one group. */
export type Via = 'user' | 'group';

export interface SweepPoint {
  via: Via;
  /** Models shared with the caller (none of them public, none its own). */
  shared: number;
}

const NOW = 1763769600;

async function insertUser(client: Client, label: string): Promise<string> {
  const user = { name: `Sweep ${label}`, email: `sweep-${label}@example.test`, username: null };
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO users (id, name, email, username, role, password_hash, search, created_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2, NULL, 'user', 'x', $3, $4, $4) RETURNING id::text`,
    [user.name, user.email, userSearchText(user), NOW],
  );
  return rows[0].id;
}

async function insertGroup(client: Client, label: string, userId: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO groups (id, name, description, created_at, updated_at)
     VALUES (gen_random_uuid(), $1, 'bench sweep', $2, $2) RETURNING id::text`,
    [`Sweep ${label}`, NOW],
  );
  await client.query('INSERT INTO group_members (group_id, user_id, created_at) VALUES ($1, $2, $3)', [
    rows[0].id,
    userId,
    NOW,
  ]);
  return rows[0].id;
}

/**
 * Read grants on `count` private custom models (a fixed pseudo-random choice, the same for every
 * point, so a larger share holds the smaller ones) to one principal, written with plain SQL as
 * the seed writes grants.
 */
async function grant(client: Client, type: Via, principalId: string, count: number): Promise<void> {
  if (count === 0) return;
  const { rowCount } = await client.query(
    `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
     SELECT m.id, $1, $2, 'read' FROM models m
      WHERE m.base_model_id IS NOT NULL AND NOT m.is_public
      ORDER BY md5(m.id) LIMIT $3`,
    [type, principalId, count],
  );
  if (rowCount !== count) throw new Error(`only ${rowCount} private models to share, ${count} asked`);
}

/** A new regular user with `point.shared` models shared with it, as a Caller of a sign-in token. */
export async function createCaller(client: Client, point: SweepPoint): Promise<Caller> {
  const label = `${point.via}-${point.shared}-${Date.now().toString(36)}`;
  const userId = await insertUser(client, label);
  const groupIds = point.via === 'group' ? [await insertGroup(client, label, userId)] : [];
  await grant(client, point.via, point.via === 'group' ? groupIds[0] : userId, point.shared);
  await client.query('ANALYZE access_grants');
  return sweepCaller(userId, groupIds);
}

/** The caller of a sign-in token of a regular user, as callerOf builds it. */
function sweepCaller(userId: string, groupIds: string[]): Caller {
  const rest = { isAdmin: false, bypass: false, keyGroupId: null, keyModels: null, readOnly: false };
  return { userId, name: 'sweep', via: 'token', groupIds, ...rest };
}

/** Removes the caller, its group and every grant to either. */
export async function removeCaller(client: Client, caller: Caller): Promise<void> {
  const principals = [caller.userId, ...caller.groupIds];
  await client.query('DELETE FROM access_grants WHERE principal_id = ANY($1::text[])', [principals]);
  await client.query('DELETE FROM group_members WHERE user_id = $1::uuid', [caller.userId]);
  await client.query('DELETE FROM groups WHERE id = ANY($1::uuid[])', [caller.groupIds]);
  await client.query('DELETE FROM users WHERE id = $1::uuid', [caller.userId]);
}

/** Callers a crashed sweep left behind (their e-mail says so), with their groups and grants. */
export async function removeLeftovers(client: Client): Promise<void> {
  const { rows } = await client.query<{ user_id: string; group_ids: string[] }>(
    `SELECT u.id::text AS user_id, array_remove(array_agg(gm.group_id::text), NULL) AS group_ids
       FROM users u LEFT JOIN group_members gm ON gm.user_id = u.id
      WHERE u.email LIKE 'sweep-%@example.test' GROUP BY u.id`,
  );
  for (const row of rows) await removeCaller(client, sweepCaller(row.user_id, row.group_ids));
}
