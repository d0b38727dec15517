import type { UserRole } from '../../src/common/user-role';
import type { Grant } from './model-fixtures';

/**
 * The one test oracle for "who may read, write and list what" (docs/access.md, and the workspace list of docs/api.md), decided from
 * the data a test created, never from the server under test.
 */

/** A caller as the oracle knows them; name, email and username only matter to the list search. */
export interface OraclePerson {
  id: string;
  role: UserRole;
  groups: string[];
  name?: string;
  email?: string;
  username?: string | null;
}

/** What access depends on: the owner (null once deleted) and the grants. */
export interface Shared {
  id: string;
  owner: { id: string } | null;
  grants: Grant[];
}

/** A custom model as stored (what the test wrote), with the fields the list filters and sorts on. */
export interface OracleModel extends Shared {
  owner: OraclePerson | null;
  name: string;
  baseModelId: string;
  description: string | null;
  /** Tag names as sent (any case); the server stores them trimmed and lower-cased. */
  tags: string[];
  createdAt: number;
  updatedAt: number;
  /** The values the filters read, as the model shows them (inherited ones included); absent: the test uses no filters. */
  shown?: ShownValues;
}

/** What the content filters compare (docs/api.md, "Filters"), as a read shows the model. */
export interface ShownValues {
  endpointTypes: string[];
  ownedBy: string | null;
  /** The model's own meta.capabilities (not inherited). */
  capabilities: Record<string, unknown>;
  contextLength: number | null;
  inputPrice: number | null;
}

/** The filter parameters; the repeatable ones as lists. */
export interface FilterQuery {
  endpoint_type?: string[];
  owned_by?: string[];
  capability?: string[];
  min_context_length?: number;
  max_input_price?: number;
}

/** endpoint_type and owned_by: any of; capability: all of; unpriced models fail max_input_price. */
export function filterMatches(shown: ShownValues, q: FilterQuery): boolean {
  const anyOf = (wanted: string[] | undefined, has: (value: string) => boolean) => !wanted?.length || wanted.some(has);
  return (
    anyOf(q.endpoint_type, (type) => shown.endpointTypes.includes(type)) &&
    anyOf(q.owned_by, (owner) => shown.ownedBy === owner) &&
    (q.capability ?? []).every((name) => shown.capabilities[name] === true) &&
    (q.min_context_length === undefined || (shown.contextLength ?? -1) >= q.min_context_length) &&
    (q.max_input_price === undefined || (shown.inputPrice !== null && shown.inputPrice <= q.max_input_price))
  );
}

export function pickFilters(q: FilterQuery): FilterQuery {
  const { endpoint_type, owned_by, capability, min_context_length, max_input_price } = q;
  const all: FilterQuery = { endpoint_type, owned_by, capability, min_context_length, max_input_price };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

/** The query string of a filter query, repeated parameters repeated. */
export function filterQueryString(q: FilterQuery): string {
  return Object.entries(q)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `${name}=${encodeURIComponent(String(v))}`),
    )
    .join('&');
}

export interface ListQuery {
  query?: string;
  view_option?: 'created' | 'shared';
  tag?: string;
  order_by?: 'name' | 'created_at' | 'updated_at';
  direction?: 'asc' | 'desc';
}

/** What narrows a caller's gateway list: an API key's token group and allow-list (none for sign-in tokens). */
export interface KeyScope {
  groupId?: string;
  models?: string[];
}

const lower = (text: string) => text.toLowerCase();

/** PostgreSQL compares ids and sort keys byte-wise (COLLATE "C"): UTF-8 bytes, not UTF-16 units. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function grantApplies(caller: OraclePerson, grant: Grant): boolean {
  if (grant.principal_type === 'user') return grant.principal_id === '*' || grant.principal_id === caller.id;
  return caller.groups.includes(grant.principal_id);
}

const isOwnerOrAdmin = (caller: OraclePerson, model: Shared) =>
  caller.role === 'admin' || (model.owner !== null && model.owner.id === caller.id);

/** "Can read" of docs/access.md (admin bypass on). */
export function canRead(caller: OraclePerson, model: Shared): boolean {
  return isOwnerOrAdmin(caller, model) || model.grants.some((g) => grantApplies(caller, g));
}

/** "Can write" of docs/access.md (admin bypass on). */
export function canWrite(caller: OraclePerson, model: Shared): boolean {
  return isOwnerOrAdmin(caller, model) || model.grants.some((g) => g.permission === 'write' && grantApplies(caller, g));
}

/** API keys (docs/access.md): a token group sees only models granted to it or to everyone; an allow-list, only those ids. */
export function keyAllows(scope: KeyScope, model: Shared): boolean {
  const granted = (type: Grant['principal_type'], id: string) =>
    model.grants.some((g) => g.principal_type === type && g.principal_id === id);
  const inGroup = scope.groupId === undefined || granted('user', '*') || granted('group', scope.groupId);
  return inGroup && (scope.models === undefined || scope.models.includes(model.id));
}

/** The gateway lists (docs/gateway.md): active models the caller can read, narrowed by its key. */
export function mayList(caller: OraclePerson, scope: KeyScope, model: Shared & { active: boolean }): boolean {
  return model.active && canRead(caller, model) && keyAllows(scope, model);
}

/** The fields the list's `query` searches, owner fields empty once the owner is deleted. */
export function searchFields(model: OracleModel): Array<string | null | undefined> {
  const { owner } = model;
  return [model.name, model.id, model.baseModelId, model.description, owner?.name, owner?.email, owner?.username];
}

function searchMatches(model: OracleModel, query: string): boolean {
  return searchFields(model).some((field) => typeof field === 'string' && lower(field).includes(lower(query)));
}

/** The workspace list (docs/api.md): does the model belong in the caller's list for these parameters? */
export function listMatches(caller: OraclePerson, model: OracleModel, q: ListQuery & FilterQuery): boolean {
  if (!canRead(caller, model)) return false;
  const own = model.owner !== null && model.owner.id === caller.id;
  if (q.view_option === 'created' && !own) return false;
  if (q.view_option === 'shared' && own) return false;
  if (q.tag !== undefined && !model.tags.some((tag) => lower(tag.trim()) === lower(q.tag!.trim()))) return false;
  if (model.shown) {
    if (!filterMatches(model.shown, q)) return false;
  } else if (filterQueryString(pickFilters(q)) !== '') {
    throw new Error(`oracle: model ${model.id} has no shown values to filter`);
  }
  return q.query === undefined || q.query === '' || searchMatches(model, q.query);
}

export function sortKey(model: OracleModel, orderBy: ListQuery['order_by']): string | number {
  if (orderBy === 'name') return lower(model.name);
  return orderBy === 'updated_at' ? model.updatedAt : model.createdAt;
}

/** Sort key then id (the tiebreak), both in the requested direction (default created_at, desc). */
export function compareForList(a: OracleModel, b: OracleModel, q: ListQuery): number {
  const sign = q.direction === 'asc' ? 1 : -1;
  const [ka, kb] = [sortKey(a, q.order_by), sortKey(b, q.order_by)];
  const byKey = typeof ka === 'number' ? ka - (kb as number) : compareBytes(ka, kb as string);
  return sign * (byKey || compareBytes(a.id, b.id));
}

/** The ids every page of the list must yield, in order. */
export function expectedList(caller: OraclePerson, models: OracleModel[], q: ListQuery & FilterQuery): string[] {
  return models
    .filter((model) => listMatches(caller, model, q))
    .sort((a, b) => compareForList(a, b, q))
    .map((model) => model.id);
}

/** The OpenAI and Gemini order: by id. */
export function byId<T extends { id: string }>(models: T[]): T[] {
  return [...models].sort((a, b) => compareBytes(a.id, b.id));
}

/** The Anthropic order: newest first, ties by id descending. */
export function newestFirst<T extends { id: string; createdAt: number }>(models: T[]): T[] {
  return [...models].sort((a, b) => b.createdAt - a.createdAt || compareBytes(b.id, a.id));
}

/** One reason of the access explanation (docs/access.md, Explaining access). */
export interface OracleReason {
  rule: 'admin' | 'owner' | 'public' | 'user_grant' | 'group_grant' | 'key_narrowing' | 'key_read_only';
  permission: 'read' | 'write' | 'none';
  group?: { id: string };
}

/** Every rule that grants `caller` something on the model, then what its key (if any) takes away. */
export function explainReasons(
  caller: OraclePerson,
  model: Shared,
  key: (KeyScope & { readOnly: boolean }) | null,
): OracleReason[] {
  const reasons: OracleReason[] = [];
  if (caller.role === 'admin') reasons.push({ rule: 'admin', permission: 'write' });
  if (model.owner !== null && model.owner.id === caller.id) reasons.push({ rule: 'owner', permission: 'write' });
  for (const grant of model.grants.filter((g) => grantApplies(caller, g))) {
    if (grant.principal_type === 'group') {
      reasons.push({ rule: 'group_grant', permission: grant.permission, group: { id: grant.principal_id } });
    } else reasons.push({ rule: grant.principal_id === '*' ? 'public' : 'user_grant', permission: grant.permission });
  }
  if (key && (key.groupId !== undefined || key.models !== undefined)) {
    reasons.push({ rule: 'key_narrowing', permission: keyAllows(key, model) ? 'read' : 'none' });
  }
  if (key?.readOnly) reasons.push({ rule: 'key_read_only', permission: 'read' });
  return reasons;
}
