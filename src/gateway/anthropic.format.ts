import { BadRequestException } from '@nestjs/common';
import { RawJson } from '../common/raw-json';
import type { ModelSummaryRow } from '../models/model-read.sql';
import { anthropicModelsSql } from './anthropic-page.sql';
import { GatewayQuery, intParam, ListableModels, queryParam } from './gateway-query';

export interface AnthropicPageRequest {
  limit: number;
  /** Models after (older than) this one. */
  afterId: string | null;
  /** Models before (newer than) this one; pages run backwards, as the SDK expects. */
  beforeId: string | null;
}

export function anthropicPageRequest(query: GatewayQuery): AnthropicPageRequest {
  return {
    limit: intParam(query, 'limit', { min: 1, max: 1000, fallback: 20 }),
    afterId: queryParam(query, 'after_id') ?? null,
    beforeId: queryParam(query, 'before_id') ?? null,
  };
}

/** RFC 3339 in UTC without fractions, as Anthropic writes it: 2025-02-19T00:00:00Z. */
function rfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toAnthropicModel(model: ModelSummaryRow) {
  return {
    type: 'model' as const,
    id: model.id,
    display_name: model.name,
    created_at: rfc3339(model.created_at),
    ...(model.context_length !== null ? { max_input_tokens: model.context_length } : {}),
    ...(model.max_output_tokens !== null ? { max_tokens: model.max_output_tokens } : {}),
  };
}

/** One page, newest first; `hasMore` says whether the list goes on in the direction asked for. */
export function toAnthropicPage(models: ModelSummaryRow[], hasMore: boolean) {
  return {
    data: models.map(toAnthropicModel),
    first_id: models.length > 0 ? models[0].id : null,
    last_id: models.length > 0 ? models[models.length - 1].id : null,
    has_more: hasMore,
  };
}

/**
 * Newest first; with before_id the page is the one just before that model, still newest first.
 * One statement: the cursors are looked up in it (olderThanId/newerThanId), and PostgreSQL writes
 * each model's JSON (anthropicModelsSql), the very bytes JSON.stringify(toAnthropicPage(...)) gives
 * for the same rows once joined: no rows to parse into objects, no dates to format, nothing to
 * stringify (docs/gateway.md). A page with models had its cursors found; only an empty one asks
 * whether a cursor is not the caller's to list.
 */
export async function anthropicList(models: ListableModels, query: GatewayQuery): Promise<RawJson> {
  const request = anthropicPageRequest(query);
  const backwards = request.beforeId !== null;
  const rows = await models.json(
    {
      order: backwards ? 'oldest' : 'newest',
      olderThanId: request.afterId,
      newerThanId: request.beforeId,
      limit: request.limit + 1,
    },
    (listed) => anthropicModelsSql(listed, backwards),
  );
  const page = rows.slice(0, request.limit);
  if (page.length === 0) {
    if (request.afterId !== null) await cursor(models, 'after_id', request.afterId);
    if (request.beforeId !== null) await cursor(models, 'before_id', request.beforeId);
  }
  return anthropicPageJson(backwards ? page.reverse() : page, rows.length > request.limit);
}

/** toAnthropicPage's JSON from anthropicModelsSql's rows of the page, in the page's order. */
function anthropicPageJson(page: Buffer[], hasMore: boolean): RawJson {
  const at = page.map((row) => row.indexOf(NEWLINE));
  const idOf = (index: number) => (page.length === 0 ? 'null' : page[index].toString('utf8', 0, at[index]));
  const models = page.map((row, index) => row.subarray(at[index] + 1));
  const tail = `],"first_id":${idOf(0)},"last_id":${idOf(page.length - 1)},"has_more":${hasMore}}`;
  return RawJson.join('{"data":[', models, ',', tail);
}

const NEWLINE = 0x0a;

/** A cursor must name a model in the caller's list: otherwise a 400 that reveals nothing about it. */
async function cursor(models: ListableModels, name: string, id: string): Promise<void> {
  if (!(await models.find(id))) throw new BadRequestException(`${name}: '${id}' is not a model in this list`);
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
};

export function anthropicError(status: number, message: string): object {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message } };
}
