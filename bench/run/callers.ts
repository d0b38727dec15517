import type { Client } from 'pg';
import type { Caller } from '../../src/access/caller';
import type { Fixtures } from './scenarios';

/**
 * The callers of the list scenarios as the service builds them (callerOf in src/access/caller.ts):
 * the admin with BYPASS_ADMIN_ACCESS_CONTROL on (the default), the typical user with its groups
 * in the order AuthUserLoader reads them.
 */
export async function loadCallers(client: Client, fixtures: Fixtures): Promise<Record<'admin' | 'user', Caller>> {
  const { rows } = await client.query<{ group_id: string }>(
    'SELECT gm.group_id::text FROM group_members gm WHERE gm.user_id = $1 ORDER BY gm.group_id',
    [fixtures.typical_user.id],
  );
  const common = { keyGroupId: null, keyModels: null, readOnly: false, via: 'token' as const };
  return {
    admin: { userId: fixtures.admin.id, name: 'admin', groupIds: [], isAdmin: true, bypass: true, ...common },
    user: {
      userId: fixtures.typical_user.id,
      name: 'typical user',
      groupIds: rows.map((row) => row.group_id),
      isAdmin: false,
      bypass: false,
      ...common,
    },
  };
}
