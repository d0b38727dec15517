import { answeredGrants, GrantRow } from '../access/grant-row';
import type { UserRole } from '../common/user-role';
import type { ModelRow, ModelSummaryRow } from './model-read.sql';

export interface ModelOwner {
  id: string;
  name: string;
  email: string;
  username: string | null;
  role: UserRole;
}

/** The workspace routes' model: the summary fields (base-model defaults applied in SQL) and the rest. */
export interface ModelResponse extends Omit<ModelSummaryRow, 'supported_endpoint_types'> {
  /** null only in exports, where a custom model inherits them. */
  supported_endpoint_types: ModelRow['supported_endpoint_types'];
  user_id: string | null;
  version: number;
  params: Record<string, unknown>;
  access_grants: GrantRow[];
  is_active: boolean;
  write_access: boolean;
  user: ModelOwner | null;
}

export function profileImagePath(id: string): string {
  return `/api/models/model/profile/image?id=${encodeURIComponent(id)}`;
}

function owner(row: ModelRow): ModelOwner | null {
  if (!row.owner_id) return null;
  return {
    id: row.owner_id,
    name: row.owner_name ?? '',
    email: row.owner_email ?? '',
    username: row.owner_username,
    role: row.owner_role ?? 'user',
  };
}

/**
 * The model as callers see it (custom models' inherited fields come resolved from SQL, see
 * model-read.sql.ts); readers without write access get no params and no grant list (docs/access.md).
 */
export function toModelResponse(row: ModelRow, grants: GrantRow[], options: { linkImages: boolean }): ModelResponse {
  const meta = { ...row.meta };
  const image = meta.profile_image_url;
  if (options.linkImages && typeof image === 'string' && image.startsWith('data:')) {
    meta.profile_image_url = profileImagePath(row.id);
  }
  return {
    id: row.id,
    user_id: row.user_id,
    base_model_id: row.base_model_id,
    name: row.name,
    params: row.write_access ? row.params : {},
    meta,
    access_grants: row.write_access ? answeredGrants(grants) : [],
    is_active: row.is_active,
    write_access: row.write_access,
    user: owner(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
    owned_by: row.owned_by,
    supported_endpoint_types: row.supported_endpoint_types,
    pricing: row.pricing,
    context_length: row.context_length,
    max_output_tokens: row.max_output_tokens,
  };
}
