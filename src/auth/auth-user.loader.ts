import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import type { AuthUser } from '../common/auth-user';
import { frozenTextArray } from '../common/frozen-text-array';
import { queryRows, sql } from '../common/sql';
import type { UserRole } from '../common/user-role';
import { isUuid } from '../common/uuid';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { CallerChangeFeed } from '../database/caller-change-feed';
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
  // Frozen: the memo shares one object between requests.
  return Object.freeze({
    id: row.id,
    name: row.name,
    email: row.email,
    username: row.username,
    role: row.role,
    groupIds: Object.freeze(row.group_ids) as string[],
    apiKey: null,
    changeVersion: row.change_version,
  });
}

/** Callers remembered per kind; past this a memo starts over (an entry is well under 1 KB). */
const MAX_REMEMBERED_CALLERS = 10_000;

/** What a memo keeps between changes (values are frozen: requests share them). */
class Remembered<T extends object> {
  private readonly byKey = new Map<string, T>();

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  set(key: string, value: T): void {
    if (this.byKey.size >= MAX_REMEMBERED_CALLERS) this.byKey.clear();
    this.byKey.set(key, value);
  }

  clear(): void {
    this.byKey.clear();
  }
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
 * Loads the caller with one query on the primary, so role and membership changes apply at once;
 * the same statement reads the change version (src/database/change-tracking.ts) for ETags.
 *
 * With CALLER_MEMO on, callers read once are remembered (by user id, by key hash) until anything
 * they were read from changes on any instance, and a request uses what is remembered only after
 * the barrier of the change feed (caller-change-feed.ts; docs/caller-memo.md): so a request sees
 * every change whose commit returned before it arrived, and a repeated request costs no query of
 * its own. Without LISTEN (off, lost, not yet back) every request queries as before.
 */
@Injectable()
export class AuthUserLoader implements OnModuleInit, OnApplicationShutdown {
  private readonly allowLists = new AllowListMemo();
  private readonly users = new Remembered<AuthUser>();
  private readonly keys = new Remembered<ApiKeyCaller>();
  /** Null when CALLER_MEMO is off. */
  readonly feed: CallerChangeFeed | null;
  /** Callers answered from the memo (tests and the bench read it). */
  memoHits = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: RuntimeConfig,
  ) {
    const options = dataSource.options as PostgresConnectionOptions;
    this.feed = config.callerMemo ? new CallerChangeFeed({ connectionString: options.url }, () => this.forget()) : null;
  }

  onModuleInit(): void {
    this.feed?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feed?.stop();
  }

  async byUserId(id: string): Promise<AuthUser | null> {
    if (!isUuid(id)) return null;
    return this.remembered(this.users, id, async () => {
      const rows = await queryRows<UserRow>(
        this.dataSource,
        sql`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ${id}`,
      );
      return rows.length > 0 ? toAuthUser(rows[0]) : null;
    });
  }

  async byApiKeyHash(keyHash: string): Promise<ApiKeyCaller | null> {
    return this.remembered(this.keys, keyHash, () => this.readKey(keyHash));
  }

  /** The key's use was just recorded (ApiKeyStrategy): the memo's copy says so too (no notify for it). */
  keyUsed(keyHash: string, at: number): void {
    const known = this.keys.get(keyHash);
    if (known && (known.lastUsedAt === null || known.lastUsedAt < at)) {
      this.keys.set(keyHash, Object.freeze({ ...known, lastUsedAt: at }));
    }
  }

  /** Empties the memo: something a remembered caller was read from may have changed. */
  private forget(): void {
    this.users.clear();
    this.keys.clear();
  }

  /**
   * The remembered value when the barrier says it is current, else a fresh read, kept only when no
   * change was heard (and LISTEN held) from before the read was sent until its answer. A caller not
   * found is not remembered: a new user or key would need a notify to be seen.
   */
  private async remembered<T extends object>(
    memo: Remembered<T>,
    key: string,
    read: () => Promise<T | null>,
  ): Promise<T | null> {
    const feed = this.feed;
    if (feed === null || !feed.ready) return read();
    if (memo.get(key) !== undefined && (await feed.settled())) {
      const known = memo.get(key);
      if (known !== undefined) {
        this.memoHits += 1;
        return known;
      }
    }
    const generation = feed.generation;
    const fresh = await read();
    if (fresh !== null && feed.ready && feed.generation === generation) memo.set(key, fresh);
    return fresh;
  }

  private async readKey(keyHash: string): Promise<ApiKeyCaller | null> {
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
    const apiKey = Object.freeze({ id: row.key_id, groupId: row.key_group_id, models, readOnly: row.read_only });
    const user = Object.freeze({ ...toAuthUser(row), apiKey });
    return Object.freeze({ user, expiresAt: row.expires_at, lastUsedAt: row.last_used_at });
  }
}
