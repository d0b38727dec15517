import type { Grant } from './model-fixtures';

/** Who calls the list, as the oracle needs to know them. */
export interface OraclePerson {
  id: string;
  name: string;
  email: string;
  username: string | null;
  role: 'admin' | 'user';
  groups: string[];
}

/** A custom model as stored (what the test wrote), with the fields the list filters and sorts on. */
export interface OracleModel {
  id: string;
  name: string;
  baseModelId: string;
  description: string | null;
  /** Tag names as sent (any case); the server stores them trimmed and lower-cased. */
  tags: string[];
  owner: OraclePerson;
  grants: Grant[];
  createdAt: number;
  updatedAt: number;
}

export interface ListQuery {
  query?: string;
  view_option?: 'created' | 'shared';
  tag?: string;
  order_by?: 'name' | 'created_at' | 'updated_at';
  direction?: 'asc' | 'desc';
}

const lower = (text: string) => text.toLowerCase();

/** PostgreSQL compares these columns byte-wise (COLLATE "C"): UTF-8 bytes, not UTF-16 units. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function grantApplies(caller: OraclePerson, grant: Grant): boolean {
  if (grant.principal_type === 'user') return grant.principal_id === '*' || grant.principal_id === caller.id;
  return caller.groups.includes(grant.principal_id);
}

/** "can read" of docs/access.md (admin bypass on). */
export function canRead(caller: OraclePerson, model: OracleModel): boolean {
  return caller.role === 'admin' || model.owner.id === caller.id || model.grants.some((g) => grantApplies(caller, g));
}

function searchMatches(model: OracleModel, query: string): boolean {
  const { owner } = model;
  const fields = [model.name, model.id, model.baseModelId, model.description, owner.name, owner.email, owner.username];
  return fields.some((field) => typeof field === 'string' && lower(field).includes(lower(query)));
}

/** docs/api.md, the workspace list: does the model belong in the caller's list for these parameters? */
export function listMatches(caller: OraclePerson, model: OracleModel, q: ListQuery): boolean {
  if (!canRead(caller, model)) return false;
  if (q.view_option === 'created' && model.owner.id !== caller.id) return false;
  if (q.view_option === 'shared' && model.owner.id === caller.id) return false;
  if (q.tag !== undefined && !model.tags.some((tag) => lower(tag.trim()) === lower(q.tag!.trim()))) return false;
  return q.query === undefined || q.query === '' || searchMatches(model, q.query);
}

function sortKey(model: OracleModel, orderBy: ListQuery['order_by']): string | number {
  if (orderBy === 'name') return lower(model.name);
  return orderBy === 'updated_at' ? model.updatedAt : model.createdAt;
}

/** Sort key then id, both in the requested direction (default created_at, desc). */
export function compareForList(a: OracleModel, b: OracleModel, q: ListQuery): number {
  const sign = q.direction === 'asc' ? 1 : -1;
  const [ka, kb] = [sortKey(a, q.order_by), sortKey(b, q.order_by)];
  const byKey = typeof ka === 'number' ? ka - (kb as number) : compareBytes(ka, kb as string);
  return sign * (byKey || compareBytes(a.id, b.id));
}

/** The ids every page of the list must yield, in order. */
export function expectedList(caller: OraclePerson, models: OracleModel[], q: ListQuery): string[] {
  return models
    .filter((model) => listMatches(caller, model, q))
    .sort((a, b) => compareForList(a, b, q))
    .map((model) => model.id);
}
