/** A request body that the route accepts as valid; attacks replace one field at a time. */
export type ValidBody = Record<string, unknown>;

export interface HostileWorld {
  baseId: string;
  victimId: string;
  userId: string;
  groupId: string;
}

/** One valid body per request schema of the OpenAPI document; every documented field present. */
export function validBodies(w: HostileWorld): Record<string, ValidBody> {
  const model = {
    base_model_id: w.baseId,
    name: 'Hostile target',
    params: { system: 'prompt' },
    meta: { description: 'd', tags: ['t'] },
    is_active: true,
    owned_by: 'acme',
    supported_endpoint_types: ['chat'],
    pricing: { input_per_million: 1, output_per_million: 2, per_request: 0, currency: 'USD' },
    context_length: 1000,
    max_output_tokens: 100,
    access_grants: [{ principal_type: 'user', principal_id: w.userId, permission: 'read' }],
  };
  const person = { name: 'Eve', email: 'eve-hostile@example.test', password: 'correct-horse-battery' };
  return {
    SignUpDto: { ...person, username: 'eve' },
    SignInDto: { email: person.email, password: person.password },
    CreateUserDto: { ...person, role: 'user', username: 'eve' },
    UpdateUserDto: { ...person, role: 'user', username: 'eve' },
    CreateGroupDto: { name: 'hostile group', description: 'd', user_ids: [w.userId] },
    UpdateGroupDto: { name: 'hostile group', description: 'd' },
    GroupMembersDto: { user_ids: [w.userId] },
    CreateApiKeyDto: {
      name: 'k',
      group_id: w.groupId,
      models: [w.victimId],
      expires_at: 4_000_000_000,
      read_only: true,
    },
    CreateModelDto: { id: 'hostile/new-model', ...model, version: 1 },
    // A version that is never current: a body that passes validation changes nothing (409).
    UpdateModelDto: { id: w.victimId, ...model, version: 1_000_000 },
    UpdateAccessDto: { id: w.victimId, access_grants: model.access_grants, version: 1_000_000 },
    RestoreModelDto: { id: w.victimId, version: 1 },
    ModelIdDto: { id: w.victimId },
    ImportModelsDto: { models: [{ id: 'hostile/imported', name: 'n', base_model_id: w.baseId }] },
    CloneModelDto: { id: w.victimId, new_id: 'hostile/clone', name: 'c' },
    TransferModelDto: { id: w.victimId, user_id: w.userId },
    BulkModelsDto: { filter: { ids: [w.victimId] }, action: 'share', grants: model.access_grants, dry_run: true },
  };
}

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object';

function kindOf(value: unknown): Kind {
  if (Array.isArray(value)) return 'array';
  return typeof value as Kind;
}

/** Values of every JSON kind but the field's own, including NoSQL-style operators and nested arrays. */
const WRONG: Record<Kind, unknown[]> = {
  string: [12345, true, { $ne: null }, [['nested']]],
  number: ['12', true, { $gt: 0 }, [1]],
  boolean: ['true', 1, {}, [true]],
  array: ['x', 1, { '0': 'x' }, [['nested']]],
  object: ['x', 1, true, [['nested']]],
};

export function wrongValues(valid: unknown): unknown[] {
  return WRONG[kindOf(valid)];
}

export const isString = (value: unknown): value is string => typeof value === 'string';

/** Strings that must be stored as text, never run: SQL and LIKE metacharacters. */
export const INJECTIONS = ["' OR 1=1 --", "'; DROP TABLE models; --", '%', '_', '\\', '%_\\%', '" OR ""="'];

/** Percent-encoded query values that are not valid text: NUL, invalid UTF-8, an encoded surrogate. */
export const BAD_QUERY_TEXT = ['%00', 'a%00b', '%FF%FE', '%C3%28', '%ED%A0%80', '%E2%82'];

/** Page numbers no list has: too large, fractional, not decimal integers (pages below 1 count as 1). */
export const HUGE_PAGES = ['1e20', '99999999999', '1.5', 'NaN', 'Infinity', '0x10', ' 7', '1,2', '-1.5'];
