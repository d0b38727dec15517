/** The shapes of the API answers the app reads (docs/api.md, docs/resources.md). */

export type Role = 'admin' | 'user' | 'pending';

export interface User {
  id: string;
  name: string;
  email: string;
  username: string | null;
  role: Role;
}

export interface Me extends User {
  permissions?: { workspace?: { models?: boolean; models_import?: boolean }; sharing?: { public_models?: boolean } };
}

export interface Grant {
  principal_type: 'user' | 'group' | 'anyone';
  principal_id: string;
  permission: 'read' | 'write';
}

export interface Pricing {
  input_per_million?: number | null;
  output_per_million?: number | null;
  per_request?: number | null;
  currency?: string;
}

export interface ModelMeta {
  description?: string;
  profile_image_url?: string;
  capabilities?: Record<string, boolean>;
  tags?: { name: string }[];
  hidden?: boolean;
  [key: string]: unknown;
}

export interface Model {
  id: string;
  user_id: string | null;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: ModelMeta;
  access_grants: Grant[];
  is_active: boolean;
  write_access: boolean;
  user: User | null;
  created_at: number;
  updated_at: number;
  owned_by: string;
  supported_endpoint_types: string[];
  pricing: Pricing | null;
  context_length: number | null;
  max_output_tokens: number | null;
  /** Counts the model's changes; sent back on a change so a stale one is refused (docs/history.md). */
  version: number;
  /** Grants left out by a restore (or a public grant a non-admin may not give). */
  warnings?: string[];
}

/** The model's stored fields as a history version keeps them (`null`: the base model's). */
export interface Snapshot {
  id: string;
  user_id: string | null;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: ModelMeta;
  is_active: boolean;
  owned_by: string | null;
  supported_endpoint_types: string[] | null;
  pricing: Pricing | null;
  context_length: number | null;
  max_output_tokens: number | null;
  access_grants: Grant[];
}

export type HistoryAction = 'create' | 'update' | 'access' | 'toggle' | 'import' | 'restore' | 'transfer';

export interface HistoryItem {
  version: number;
  changed_at: number;
  changed_by: { id: string; name: string } | null;
  action: HistoryAction;
  snapshot: Snapshot;
}

export interface Explanation {
  can_read: boolean;
  can_write: boolean;
  because: { rule: string; permission: 'read' | 'write' | 'none'; group?: { id: string; name: string } }[];
  refused?: string;
}

export interface ModelPage {
  items: Model[];
  total: number;
}
