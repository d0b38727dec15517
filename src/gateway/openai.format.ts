import { createHash } from 'node:crypto';
import { RawJson } from '../common/raw-json';
import { Sql, sql } from '../common/sql';
import type { ModelSummaryRow } from '../models/model-read.sql';
import type { ListableModels } from './gateway-query';
import type { ModelJsonCache } from './model-json-cache';

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

/**
 * OpenAI's list has no paging: every model, in id order. It is the largest answer the registry
 * gives (hundreds of models for one key: 286 KB for 500), so PostgreSQL writes its JSON
 * (openAiListJsonSql) and the text is sent as it is: no rows to parse, no objects to build and
 * stringify (README, Performance). It comes in pieces of OPENAI_MODELS_PER_PIECE models, each made
 * bytes as it arrives (ReadRouter.readTexts) and joined into one buffer (RawJson.join): one string of
 * the whole answer would be a large object that only a full collection frees, and pieces kept as
 * strings until the last arrived were promoted by the scavenges their own allocation set off; those
 * collections were the tail of its single-connection latency. The same bytes as
 * JSON.stringify(toOpenAiList(rows)), which the tests check.
 *
 * A list short enough to keep (`models.modelJson`: an API key's allow-list) asks PostgreSQL only
 * for its models' ids and row versions and takes each model's JSON from what earlier answers kept
 * under that version, building only the others (keptOpenAiList).
 */
export async function openAiList(models: ListableModels): Promise<RawJson> {
  if (models.modelJson) {
    const kept = await keptOpenAiList(models, models.modelJson);
    if (kept) return kept;
  }
  return openAiListJson(await models.json({ order: 'id' }, openAiListJsonSql));
}

/**
 * The list from the models' JSON kept in `cache`, the missing ones built by PostgreSQL and kept;
 * null when a model changed or left the list between the two statements (the caller then builds
 * the whole list in one statement, one snapshot).
 */
async function keptOpenAiList(models: ListableModels, cache: ModelJsonCache): Promise<RawJson | null> {
  // Every request of the key runs it: prepared, it is planned once per connection, not per request.
  const [listed] = await models.json({ order: 'id' }, openAiVersionsSql, { prepared: true });
  // One byte a character, byte for byte: a key as exact as the bytes, without decoding UTF-8.
  const versions = listed.toString('latin1');
  const whole = cache.answer(versions);
  if (whole !== undefined) return RawJson.ofBytes(whole);
  // [id, version, id, version, ...] in id order.
  const entries = JSON.parse(listed.toString('utf8')) as string[];
  const pieces: Buffer[] = new Array<Buffer>(entries.length / 2);
  const missing = new Map<string, number>();
  for (let index = 0; index < pieces.length; index += 1) {
    const kept = cache.get(entries[2 * index], entries[2 * index + 1]);
    if (kept) pieces[index] = kept;
    else missing.set(entries[2 * index], index);
  }
  if (missing.size === 0) return keep(cache, versions, openAiListJson(pieces));
  const built = await models.json({ order: 'id', ids: [...missing.keys()] }, openAiModelsSql);
  let changed = false;
  for (const row of built) {
    const { id, version, json } = splitModelRow(row);
    cache.set(id, version, json);
    const index = missing.get(id);
    if (index === undefined || entries[2 * index + 1] !== version) changed = true;
    else pieces[index] = json;
    missing.delete(id);
  }
  return changed || missing.size > 0 ? null : keep(cache, versions, openAiListJson(pieces));
}

function keep(cache: ModelJsonCache, versions: string, list: RawJson): RawJson {
  cache.keepAnswer(versions, list.bytes);
  return list;
}

/** A row of openAiModelsSql: `version`, a newline, the id as JSON, a newline, the model's JSON. */
function splitModelRow(row: Buffer): { id: string; version: string; json: Buffer } {
  const first = row.indexOf(NEWLINE);
  const second = row.indexOf(NEWLINE, first + 1);
  return {
    version: row.toString('utf8', 0, first),
    id: JSON.parse(row.toString('utf8', first + 1, second)) as string,
    json: Buffer.from(row.subarray(second + 1)),
  };
}

const NEWLINE = 0x0a;

/** The list's ids and row versions, in id order, as one JSON array `[id, version, id, version, ...]`. */
export function openAiVersionsSql(rows: Sql): Sql {
  return sql`SELECT COALESCE('[' || string_agg(to_json(s.id)::text || ',"' || s.row_version || '"', ',' ORDER BY s.id) || ']', '[]')
    AS body FROM (${rows}) s`;
}

/**
 * One row per model: its row versions, a newline, its id as JSON (a JSON string holds no raw
 * newline), a newline, its JSON as openAiListJsonSql writes it.
 */
export function openAiModelsSql(rows: Sql): Sql {
  return sql`SELECT s.row_version || chr(10) || to_json(s.id)::text || chr(10) || ${openAiModelJson} AS body
    FROM (${rows}) s ORDER BY s.id`;
}

/** The list's JSON from the pieces openAiListJsonSql answers, in their order. */
export function openAiListJson(pieces: readonly (string | Buffer)[]): RawJson {
  return RawJson.join('{"object":"list","success":true,"data":[', pieces, ',', ']}');
}

/** ~32 × 570 bytes: pieces of ~18 KB, far below V8's 128 KB large-object size. */
export const OPENAI_MODELS_PER_PIECE = 32;

/** A JSON value of a column as JSON.stringify writes it: strings escaped alike, null for NULL. */
const json = (column: Sql) => sql`COALESCE(to_json(${column})::text, 'null')`;

/**
 * A jsonb object compact, as JSON.stringify writes it once parsed: keys in jsonb's order, no
 * spaces. Pricing as the API stores it (ModelPricing: exactly these four keys, in jsonb's order,
 * shorter keys first) is written key by key, a third of the cost of walking the object with
 * jsonb_each, which any other object takes. Numbers keep PostgreSQL's decimal text
 * (docs/gateway.md); a value that is not an object is written as PostgreSQL prints it.
 */
const compactPricing = (p: Sql) => sql`CASE
    WHEN jsonb_typeof(${p}) <> 'object' THEN ${p}::text
    WHEN ${p} ?& ${PRICING_KEYS} AND ${p} - ${PRICING_KEYS} = '{}'::jsonb
      THEN '{"currency":' || (${p}->'currency')::text || ',"per_request":' || (${p}->'per_request')::text
        || ',"input_per_million":' || (${p}->'input_per_million')::text
        || ',"output_per_million":' || (${p}->'output_per_million')::text || '}'
    ELSE (SELECT '{' || COALESCE(string_agg(to_json(e.key)::text || ':' || e.value::text, ',' ORDER BY e.n), '') || '}'
          FROM jsonb_each(${p}) WITH ORDINALITY AS e(key, value, n)) END`;

const PRICING_KEYS = sql`ARRAY['currency', 'per_request', 'input_per_million', 'output_per_million']`;

/**
 * toOpenAiList's models as SQL over the gateway list's rows (ModelSummaryRow columns, aliased s): a
 * text column `body` per `perPiece` models in id order, each the models' JSON joined by commas, the
 * rows in order (none for an empty list); openAiListJson wraps them. The permission id is the same
 * SHA-256 of the id (as UTF-8) as permissionOf.
 */
export function openAiListJsonSql(rows: Sql, perPiece: number = OPENAI_MODELS_PER_PIECE): Sql {
  return sql`SELECT string_agg(m.model, ',' ORDER BY m.n) AS body
    FROM (SELECT ${openAiModelJson} AS model, row_number() OVER (ORDER BY s.id) AS n FROM (${rows}) s) m
    GROUP BY (m.n - 1) / ${perPiece}::int ORDER BY min(m.n)`;
}

const CREATED = sql`s.created_at::text`;

/** One model's JSON (toOpenAiModel) over a gateway list row `s`; the permission id as permissionOf's. */
const openAiModelJson = sql`'{"id":' || ${json(sql`s.id`)} || ',"object":"model","name":' || ${json(sql`s.name`)}
    || ',"created":' || ${CREATED} || ',"owned_by":' || ${json(sql`s.owned_by`)}
    || ',"supported_endpoint_types":' || ${json(sql`s.supported_endpoint_types`)}
    || ',"root":' || ${json(sql`COALESCE(s.base_model_id, s.id)`)}
    || ',"parent":null,"permission":[{"id":"modelperm-' || left(encode(sha256(convert_to(s.id, 'UTF8')), 'hex'), 24)
    || '","object":"model_permission","created":' || ${CREATED}
    || ',"allow_create_engine":false,"allow_sampling":true,"allow_logprobs":true,"allow_search_indices":false'
    || ',"allow_view":true,"allow_fine_tuning":false,"organization":"*","group":null,"is_blocking":false}]'
    || CASE WHEN s.pricing IS NULL OR jsonb_typeof(s.pricing) = 'null' THEN '' ELSE ',"pricing":' || ${compactPricing(sql`s.pricing`)} END
    || CASE WHEN s.context_length IS NULL THEN '' ELSE ',"context_length":' || s.context_length::text END
    || '}'`;

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
