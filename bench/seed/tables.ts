import { ColumnType } from './bulk-insert';
import { ModelAccess } from './access';
import { ModelRow } from './custom-models';
import { ApiKeyRow } from './fixtures';
import { GrantSet } from './grants';
import { GroupRow, People, UserRow } from './people';

type Columns<Row> = { [K in keyof Row]: ColumnType };

export const USER_COLUMNS: Columns<UserRow> = {
  id: 'uuid',
  name: 'text',
  email: 'text',
  username: 'text',
  role: 'text',
  password_hash: 'text',
  search: 'text',
  created_at: 'bigint',
  updated_at: 'bigint',
};

export const GROUP_COLUMNS: Columns<GroupRow> = {
  id: 'uuid',
  name: 'text',
  description: 'text',
  created_at: 'bigint',
  updated_at: 'bigint',
};

export interface MemberRow {
  group_id: string;
  user_id: string;
  created_at: number;
}

export const MEMBER_COLUMNS: Columns<MemberRow> = { group_id: 'uuid', user_id: 'uuid', created_at: 'bigint' };

/** A models row with the access columns refresh_model_access would store (ModelAccess). */
export type StoredModelRow = ModelRow & { readers: string[]; writers: string[] };

export const MODEL_COLUMNS: Columns<StoredModelRow> = {
  id: 'text',
  user_id: 'uuid',
  base_model_id: 'text',
  name: 'text',
  params: 'jsonb',
  meta: 'jsonb',
  is_active: 'boolean',
  owned_by: 'text',
  supported_endpoint_types: 'text[]',
  pricing: 'jsonb',
  context_length: 'integer',
  max_output_tokens: 'integer',
  tags: 'text[]',
  search: 'text',
  name_sort: 'text',
  is_public: 'boolean',
  created_at: 'bigint',
  updated_at: 'bigint',
  readers: 'text[]',
  writers: 'text[]',
};

export interface GrantRow {
  model_id: string;
  principal_type: 'user' | 'group';
  principal_id: string;
  permission: 'read' | 'write';
  private_custom: boolean;
  groups_before: string[];
}

export const GRANT_COLUMNS: Columns<GrantRow> = {
  model_id: 'text',
  principal_type: 'text',
  principal_id: 'text',
  permission: 'text',
  private_custom: 'boolean',
  groups_before: 'uuid[]',
};

export const API_KEY_COLUMNS: Columns<ApiKeyRow> = {
  id: 'uuid',
  user_id: 'uuid',
  name: 'text',
  key_hash: 'text',
  key_prefix: 'text',
  group_id: 'uuid',
  models: 'text[]',
  read_only: 'boolean',
  expires_at: 'bigint',
  last_used_at: 'bigint',
  created_at: 'bigint',
};

export function* memberRows(people: People): Generator<MemberRow> {
  for (const [g, members] of people.membersOf.entries()) {
    const group = people.groups[g];
    for (const u of members) {
      const user = people.users[u];
      const created_at = Math.max(group.created_at, user.created_at);
      yield { group_id: group.id, user_id: user.id, created_at };
    }
  }
}

/** Public grants of base models (never private, first of their model's principals). */
export function* publicGrantRows(modelIds: Iterable<string>): Generator<GrantRow> {
  for (const model_id of modelIds) {
    yield {
      model_id,
      principal_type: 'user',
      principal_id: '*',
      permission: 'read',
      private_custom: false,
      groups_before: [],
    };
  }
}

/** Public grants of the public custom models, by index. */
export function* publicCustomGrantRows(
  access: ModelAccess,
  modelIds: readonly string[],
  models: Iterable<number>,
): Generator<GrantRow> {
  for (const m of models) {
    yield {
      model_id: modelIds[m],
      principal_type: 'user',
      principal_id: '*',
      permission: 'read',
      ...access.grant(m, '*'),
    };
  }
}

export function* grantRows(
  access: ModelAccess,
  grants: GrantSet,
  modelIds: readonly string[],
  principalType: 'user' | 'group',
  principalIds: readonly string[],
): Generator<GrantRow> {
  for (let i = 0; i < grants.model.length; i++) {
    const principal = principalType === 'group' ? { group: grants.principal[i] } : { user: grants.principal[i] };
    yield {
      model_id: modelIds[grants.model[i]],
      principal_type: principalType,
      principal_id: principalIds[grants.principal[i]],
      permission: grants.write[i] === 1 ? 'write' : 'read',
      ...access.grant(grants.model[i], principal),
    };
  }
}
