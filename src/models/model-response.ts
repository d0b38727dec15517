import type { GrantRow } from '../access/grant-row';
import type { UserRole } from '../common/user-role';
import type { EndpointType, ModelPricing } from './model.entity';

/** A models row as the read queries select it: the model, its base model's defaults, its owner. */
export interface ModelRow {
  id: string;
  user_id: string | null;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  is_active: boolean;
  owned_by: string | null;
  supported_endpoint_types: EndpointType[] | null;
  pricing: ModelPricing | null;
  context_length: number | null;
  max_output_tokens: number | null;
  created_at: number;
  updated_at: number;
  base_owned_by: string | null;
  base_endpoint_types: EndpointType[] | null;
  base_pricing: ModelPricing | null;
  base_context_length: number | null;
  base_max_output_tokens: number | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  owner_username: string | null;
  owner_role: UserRole | null;
  write_access: boolean;
}

/** What a custom model inherits from its base model (alias b), read alongside it. */
const BASE_DEFAULTS = `b.owned_by AS base_owned_by, b.supported_endpoint_types AS base_endpoint_types,
  b.pricing AS base_pricing, b.context_length AS base_context_length, b.max_output_tokens AS base_max_output_tokens`;

const OWN_FIELDS = `m.id, m.user_id, m.base_model_id, m.name, m.is_active, m.owned_by, m.supported_endpoint_types,
  m.pricing, m.context_length, m.max_output_tokens, m.created_at, m.updated_at`;

export const MODEL_COLUMNS = `${OWN_FIELDS}, m.params, m.meta, ${BASE_DEFAULTS},
  u.id AS owner_id, u.name AS owner_name, u.email AS owner_email, u.username AS owner_username, u.role AS owner_role`;

export const BASE_MODEL_JOIN = `LEFT JOIN models b ON b.id = m.base_model_id`;
export const MODEL_JOINS = `LEFT JOIN users u ON u.id = m.user_id ${BASE_MODEL_JOIN}`;

/**
 * A model as the gateway shows it: no params, no owner, and of meta only the description, so a
 * list of hundreds of models does not carry system prompts or inline images. Use with BASE_MODEL_JOIN.
 */
export const MODEL_SUMMARY_COLUMNS = `${OWN_FIELDS}, '{}'::jsonb AS params,
  jsonb_strip_nulls(jsonb_build_object('description', m.meta->'description')) AS meta, ${BASE_DEFAULTS},
  NULL::uuid AS owner_id, NULL AS owner_name, NULL AS owner_email, NULL AS owner_username, NULL AS owner_role`;

export interface ModelOwner {
  id: string;
  name: string;
  email: string;
  username: string | null;
  role: UserRole;
}

export interface ModelResponse {
  id: string;
  user_id: string | null;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  access_grants: GrantRow[];
  is_active: boolean;
  write_access: boolean;
  user: ModelOwner | null;
  created_at: number;
  updated_at: number;
  owned_by: string | null;
  supported_endpoint_types: EndpointType[];
  pricing: ModelPricing | null;
  context_length: number | null;
  max_output_tokens: number | null;
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
 * The model as callers see it: custom models inherit owned_by, endpoint types, pricing and token
 * limits from their base model (a custom model on gpt-4o has gpt-4o's context length); readers without write access get no params and no grant list (docs/access.md).
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
    access_grants: row.write_access ? grants : [],
    is_active: row.is_active,
    write_access: row.write_access,
    user: owner(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
    owned_by: row.owned_by ?? row.base_owned_by,
    supported_endpoint_types: row.supported_endpoint_types ?? row.base_endpoint_types ?? ['chat'],
    pricing: row.pricing ?? row.base_pricing,
    context_length: row.context_length ?? row.base_context_length,
    max_output_tokens: row.max_output_tokens ?? row.base_max_output_tokens,
  };
}
