import { BadRequestException } from '@nestjs/common';
import type { ModelSummaryRow } from '../models/model-read.sql';
import type { EndpointType } from '../models/model.entity';
import { GatewayQuery, intParam, ListableModels, queryParam } from './gateway-query';

export interface GeminiPageRequest {
  pageSize: number;
  /** The id the previous page ended with (pages run in id order). */
  afterId: string | null;
}

/**
 * Page tokens are base64url of `after:<last id of the page>`. Pages run in id order, so a token
 * stays valid even if that model is deleted or hidden meanwhile; anything else is a 400.
 */
const TOKEN_PREFIX = 'after:';

export function encodePageToken(lastId: string): string {
  return Buffer.from(TOKEN_PREFIX + lastId, 'utf8').toString('base64url');
}

export function decodePageToken(token: string): string {
  const bytes = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  const text = bytes.toString('utf8');
  // Round trips reject non-canonical base64 and bytes that are not UTF-8.
  const canonical = bytes.toString('base64url') === token && Buffer.from(text, 'utf8').equals(bytes);
  const id = text.slice(TOKEN_PREFIX.length);
  if (!canonical || !text.startsWith(TOKEN_PREFIX) || id.length === 0 || id.length > 256) {
    throw new BadRequestException('pageToken: not a page token this server issued');
  }
  return id;
}

export function geminiPageRequest(query: GatewayQuery): GeminiPageRequest {
  const token = queryParam(query, 'pageToken');
  return {
    pageSize: intParam(query, 'pageSize', { min: 1, max: 1000, fallback: 50 }),
    afterId: token === undefined ? null : decodePageToken(token),
  };
}

/**
 * Gemini's names for what a model can be called with. Chat and completion models both answer
 * Gemini's generateContent (and its streaming and token counting), embedding models embedContent,
 * image models Imagen's predict; rerank has no Gemini method, so a rerank-only model lists none.
 */
const GENERATION_METHODS: Record<EndpointType, string[]> = {
  chat: ['generateContent', 'streamGenerateContent', 'countTokens'],
  completion: ['generateContent', 'streamGenerateContent', 'countTokens'],
  embedding: ['embedContent', 'batchEmbedContents'],
  image: ['predict'],
  audio: ['generateContent', 'countTokens'],
  rerank: [],
};

export function generationMethods(types: EndpointType[]): string[] {
  return [...new Set(types.flatMap((type) => GENERATION_METHODS[type] ?? []))];
}

/** Every field Gemini clients read; token limits are null when the registry does not know them. */
export function toGeminiModel(model: ModelSummaryRow) {
  const description = model.meta.description;
  return {
    name: `models/${model.id}`,
    baseModelId: model.base_model_id ?? model.id,
    // Changes whenever the model is edited, which is what clients caching model info need.
    version: String(model.updated_at),
    displayName: model.name,
    description: typeof description === 'string' ? description : '',
    inputTokenLimit: model.context_length,
    outputTokenLimit: model.max_output_tokens,
    supportedGenerationMethods: generationMethods(model.supported_endpoint_types),
  };
}

export function toGeminiPage(models: ModelSummaryRow[], hasMore: boolean) {
  const last = models[models.length - 1];
  return {
    models: models.map(toGeminiModel),
    ...(hasMore && last ? { nextPageToken: encodePageToken(last.id) } : {}),
  };
}

/** Pages in id order, continuing after the id the page token carries. */
export async function geminiList(models: ListableModels, query: GatewayQuery) {
  const { afterId, pageSize } = geminiPageRequest(query);
  const rows = await models.list({ order: 'id', afterId, limit: pageSize + 1 });
  return toGeminiPage(rows.slice(0, pageSize), rows.length > pageSize);
}

const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

/** Google's error body: the HTTP code again, and the canonical status name. */
export function geminiError(status: number, message: string): object {
  const name = STATUSES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { error: { code: status, message, status: name } };
}
