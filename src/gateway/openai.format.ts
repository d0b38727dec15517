import { createHash } from 'node:crypto';
import type { ModelSummaryRow } from '../models/model-read.sql';
import type { ListableModels } from './gateway-query';

/** The OpenAI shape of a model, with the fields OpenAI-compatible gateways (one-api, new-api) add. */
export function toOpenAiModel(model: ModelSummaryRow) {
  return {
    id: model.id,
    object: 'model' as const,
    // The display name: pickers (Open WebUI, LibreChat) show it instead of the raw id.
    name: model.name,
    created: model.created_at,
    owned_by: model.owned_by,
    supported_endpoint_types: model.supported_endpoint_types,
    root: model.base_model_id ?? model.id,
    parent: null,
    permission: [permissionOf(model)],
    ...(model.pricing ? { pricing: model.pricing } : {}),
    ...(model.context_length !== null ? { context_length: model.context_length } : {}),
  };
}

/** Derived from the model id, so the same model always shows the same permission id. */
function permissionOf(model: ModelSummaryRow) {
  const digest = createHash('sha256').update(model.id).digest('hex').slice(0, 24);
  return {
    id: `modelperm-${digest}`,
    object: 'model_permission' as const,
    created: model.created_at,
    allow_create_engine: false,
    allow_sampling: true,
    allow_logprobs: true,
    allow_search_indices: false,
    allow_view: true,
    allow_fine_tuning: false,
    organization: '*',
    group: null,
    is_blocking: false,
  };
}

export function toOpenAiList(models: ModelSummaryRow[]) {
  return { object: 'list' as const, success: true, data: models.map(toOpenAiModel) };
}

/** OpenAI's list has no paging: every model, in id order. */
export async function openAiList(models: ListableModels) {
  return toOpenAiList(await models.list({ order: 'id' }));
}

const MODEL_PATH = /^\/v1\/models\/./;

/** OpenAI's error body; `code` is what the SDKs and tools switch on. */
export function openAiError(path: string, status: number, message: string): object {
  const { type, code } = openAiErrorKind(path, status);
  return { success: false, message, error: { message, type, code } };
}

function openAiErrorKind(path: string, status: number): { type: string; code: string } {
  switch (status) {
    case 401:
      return { type: 'authentication_error', code: 'invalid_api_key' };
    case 403:
      return { type: 'permission_error', code: 'insufficient_permissions' };
    case 404:
      return { type: 'invalid_request_error', code: MODEL_PATH.test(path) ? 'model_not_found' : 'unknown_url' };
    case 429:
      return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
    case 503:
      return { type: 'server_error', code: 'service_unavailable' };
  }
  if (status >= 500) return { type: 'server_error', code: 'server_error' };
  return { type: 'invalid_request_error', code: status === 413 ? 'request_too_large' : 'invalid_request' };
}
