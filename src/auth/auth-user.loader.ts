import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../common/auth-user';
import { frozenTextArray } from '../common/frozen-text-array';
import { queryRows, sql } from '../common/sql';
import type { UserRole } from '../common/user-role';
import { isUuid } from '../common/uuid';
import { changeVersionOf } from '../database/change-tracking';

interface UserRow {
  id: string;
  name: string;
  email: string;
  username: string | null;
  role: UserRole;
  group_ids: string[];
  change_version: string;
}

interface KeyRow extends UserRow {
  key_id: string;
  key_group_id: string | null;
  /** The allow-list as PostgreSQL's array text (`{a,b}`): parsed only when it differs from the last seen. */
  models_text: string | null;
  read_only: boolean;
  expires_at: number | null;
  last_used_at: number | null;
}

export interface ApiKeyCaller {
  user: AuthUser & { apiKey: NonNullable<AuthUser['apiKey']> };
  expiresAt: number | null;
  lastUsedAt: number | null;
}

const USER_COLUMNS = sql`u.id, u.name, u.email, u.username, u.role,
  ARRAY(SELECT gm.group_id::text FROM group_members gm WHERE gm.user_id = u.id ORDER BY gm.group_id) AS group_ids,
  ${changeVersionOf(sql`u`)} AS change_version`;

function toAuthUser(row: UserRow): AuthUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    username: row.username,
    role: row.role,
    groupIds: row.group_ids,
    apiKey: null,
    changeVersion: row.change_version,
  };
}

/** Keys whose parsed allow-list is kept; past this the memo starts over (a key's list is ~20 KB at 500 ids). */
const MAX_REMEMBERED_KEYS = 256;

/**
 * The parsed allow-list of each key, by key id, with the text it was parsed from. A 500-id list
 * cost ~20 % of a `/v1/models` 304's CPU to parse per request (README, Performance). The list is
 * still read on every request and compared whole, so a changed list is never served from here;
 * the array is frozen and shared, which also lets answer-tag.ts hash it once (its WeakMap).
 */
class AllowListMemo {
  private readonly byKey = new Map<string, { text: string; models: string[] }>();

  models(keyId: string, text: string | null): string[] | null {
    if (text === null) return null;
    const known = this.byKey.get(keyId);
    if (known?.text === text) return known.models;
    if (this.byKey.size >= MAX_REMEMBERED_KEYS) this.byKey.clear();
    const models = frozenTextArray(text);
    this.byKey.set(keyId, { text, models });
    return models;
  }
}

/**
 * Loads the caller fresh on every request (one query), so role and membership changes apply at once;
 * the same statement reads the change version (src/database/change-tracking.ts) for ETags.
 */
@Injectable()
export class AuthUserLoader {
  private readonly allowLists = new AllowListMemo();

  constructor(private readonly dataSource: DataSource) {}

  async byUserId(id: string): Promise<AuthUser | null> {
    if (!isUuid(id)) return null;
    const rows = await queryRows<UserRow>(this.dataSource, sql`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ${id}`);
    return rows.length > 0 ? toAuthUser(rows[0]) : null;
  }

  async byApiKeyHash(keyHash: string): Promise<ApiKeyCaller | null> {
    const rows = await queryRows<KeyRow>(
      this.dataSource,
      sql`SELECT ${USER_COLUMNS}, k.id AS key_id, k.group_id AS key_group_id, k.models::text AS models_text, k.read_only,
              k.expires_at, k.last_used_at
       FROM api_keys k JOIN users u ON u.id = k.user_id
       WHERE k.key_hash = ${keyHash}`,
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    const models = this.allowLists.models(row.key_id, row.models_text);
    const apiKey = { id: row.key_id, groupId: row.key_group_id, models, readOnly: row.read_only };
    return { user: { ...toAuthUser(row), apiKey }, expiresAt: row.expires_at, lastUsedAt: row.last_used_at };
  }
}
