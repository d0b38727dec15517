/**
 * Open WebUI's export files (versions 0.6–0.11), read as this service's import items
 * (docs/api.md, "Import"). Up to 0.7 a model carries `access_control`: `null` = public, `{}` =
 * private, `{read: {group_ids, user_ids}, write: {group_ids, user_ids}}`; from 0.8 it carries
 * `access_grants`, each with its own `id`, `resource_type`, `resource_id` and `created_at`. This
 * service's own export carries `access_grants` in the shape it takes.
 */

/**
 * Fields an export carries that the server owns or that Open WebUI keeps for itself: ignored on
 * import, never stored (`access_control` is read as grants first).
 */
const IGNORED_FIELDS = new Set([
  'user_id',
  'user',
  'created_at',
  'updated_at',
  'write_access',
  'access_control',
  // The import is a change of its own: a new version (docs/history.md).
  'version',
]);

/** What a grant of Open WebUI 0.8+ carries besides the principal and permission: where it sits. */
const GRANT_CONTEXT_FIELDS = new Set(['id', 'resource_type', 'resource_id', 'created_at']);

export interface RequestedGrant {
  principal_type: unknown;
  principal_id?: unknown;
  permission: unknown;
}

/** An import item with its grants in this service's shape; `grants` undefined = none given. */
export interface ConvertedItem {
  fields: Record<string, unknown>;
  grants: unknown[] | undefined;
}

export class ImportFormatError extends Error {}

type Principals = { group_ids?: unknown; user_ids?: unknown } | null | undefined;

function idsOf(principals: Principals, key: 'group_ids' | 'user_ids', where: string): string[] {
  const ids = principals?.[key];
  if (ids === undefined || ids === null) return [];
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new ImportFormatError(`access_control.${where}.${key} must be an array of ids`);
  }
  return ids;
}

/** Open WebUI ≤ 0.7's access_control as grants: null is public, {} private. */
export function accessControlGrants(accessControl: unknown): RequestedGrant[] {
  if (accessControl === null) return [{ principal_type: 'user', principal_id: '*', permission: 'read' }];
  if (typeof accessControl !== 'object' || Array.isArray(accessControl)) {
    throw new ImportFormatError('access_control must be null (public) or an object {read, write}');
  }
  const grants: RequestedGrant[] = [];
  for (const permission of ['read', 'write'] as const) {
    const principals = (accessControl as Record<string, unknown>)[permission] as Principals;
    if (principals !== undefined && principals !== null && typeof principals !== 'object') {
      throw new ImportFormatError(`access_control.${permission} must be an object {group_ids, user_ids}`);
    }
    for (const id of idsOf(principals, 'user_ids', permission))
      grants.push({ principal_type: 'user', principal_id: id, permission });
    for (const id of idsOf(principals, 'group_ids', permission))
      grants.push({ principal_type: 'group', principal_id: id, permission });
  }
  return grants;
}

/** A 0.8+ grant without where it sat (the model it is imported with says that). */
function withoutGrantContext(grant: unknown): unknown {
  if (typeof grant !== 'object' || grant === null || Array.isArray(grant)) return grant;
  return Object.fromEntries(Object.entries(grant).filter(([key]) => !GRANT_CONTEXT_FIELDS.has(key)));
}

/**
 * Splits an exported model into the fields to validate and its grants. `access_grants` wins over
 * `access_control` when both are there. Anything else stays for validation, so an unknown field
 * is still named in the item's reason.
 */
export function convertExportedModel(item: Record<string, unknown>): ConvertedItem {
  const fields = Object.fromEntries(
    Object.entries(item).filter(([key]) => !IGNORED_FIELDS.has(key) && key !== 'access_grants'),
  );
  if (Array.isArray(item.access_grants)) return { fields, grants: item.access_grants.map(withoutGrantContext) };
  if (item.access_grants !== undefined)
    return { fields: { ...fields, access_grants: item.access_grants }, grants: undefined };
  if ('access_control' in item) return { fields, grants: accessControlGrants(item.access_control) };
  return { fields, grants: undefined };
}
