import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiCallerAuth } from '../common/openapi';
import { ENDPOINT_TYPES } from '../models/model.entity';
import { AnthropicErrorDto, AnthropicModelDto, AnthropicModelListDto } from './dto/anthropic-model.dto';
import { GeminiErrorDto, GeminiModelDto, GeminiModelListDto } from './dto/gemini-model.dto';
import { OpenAiErrorDto, OpenAiModelDto, OpenAiModelListDto } from './dto/openai-model.dto';

/** Gemini SDKs send the key in their own header or in the query string; only gateway routes read them. */
export const GATEWAY_SECURITY = { googHeader: 'x-goog-api-key', keyQuery: 'key' } as const;

/** Every credential the gateway takes (alternatives). */
export function ApiGatewayAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(ApiCallerAuth(), ...Object.values(GATEWAY_SECURITY).map((name) => ApiSecurity(name)));
}

const FORMAT_CHOICE =
  'The format follows the client family: an anthropic-version header selects Anthropic, ' +
  'an x-goog-api-key header or a key query parameter Gemini, anything else OpenAI.';

/** The headers and parameter that pick the format on /v1; the keys are credentials as well. */
function ApiFamilyChoice(): MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: 'anthropic-version', required: false, description: 'Present: Anthropic format' }),
    ApiHeader({ name: 'x-goog-api-key', required: false, description: 'An API key; present: Gemini format' }),
    ApiQuery({ name: 'key', required: false, type: String, description: 'An API key; present: Gemini format' }),
  );
}

const ERRORS: Record<number, string> = {
  400: 'Bad paging or filter parameter',
  401: 'No or bad credentials',
  403: 'The account is pending, or the key no longer fits its group',
  404: 'No such model, or not one the caller may list',
  503: 'Database unreachable',
};

function pageSize(fallback: number) {
  return { type: 'integer' as const, minimum: 1, maximum: 1000, default: fallback };
}

function oneOf(...types: Array<Type<unknown>>) {
  return { oneOf: types.map((type) => ({ $ref: getSchemaPath(type) })) };
}

function errors(statuses: number[], schema: object): MethodDecorator[] {
  return statuses.map((status) => ApiResponse({ status, description: ERRORS[status], schema }));
}

const ALL_FAMILIES = [
  OpenAiModelListDto,
  OpenAiModelDto,
  OpenAiErrorDto,
  AnthropicModelListDto,
  AnthropicModelDto,
  AnthropicErrorDto,
  GeminiModelListDto,
  GeminiModelDto,
  GeminiErrorDto,
];

/** The content filters (docs/gateway.md, "Filters"), the same on every list and family. */
function ApiModelFilters(): MethodDecorator {
  const repeatable = { required: false, isArray: true } as const;
  return applyDecorators(
    ApiQuery({ name: 'endpoint_type', ...repeatable, enum: ENDPOINT_TYPES, description: 'Any of these (as shown)' }),
    ApiQuery({ name: 'owned_by', ...repeatable, type: String, description: 'Any of these (as shown)' }),
    ApiQuery({
      name: 'capability',
      ...repeatable,
      type: String,
      description: 'meta.capabilities keys that are true: all',
    }),
    ApiQuery({ name: 'min_context_length', required: false, schema: { type: 'integer', minimum: 0 } }),
    ApiQuery({
      name: 'max_input_price',
      required: false,
      schema: { type: 'number', minimum: 0 },
      description: "pricing.input_per_million at most this, in the model's currency; unpriced models left out",
    }),
  );
}

/** GET /v1/models: one route, three shapes. */
export function ApiAnyFamilyList(): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(...ALL_FAMILIES),
    ApiFamilyChoice(),
    ApiModelFilters(),
    ApiQuery({ name: 'limit', required: false, schema: pageSize(20), description: 'Anthropic: page size' }),
    ApiQuery({ name: 'after_id', required: false, type: String, description: 'Anthropic: the page after this model' }),
    ApiQuery({ name: 'before_id', required: false, type: String, description: 'Anthropic: the page before it' }),
    ApiQuery({ name: 'pageSize', required: false, schema: pageSize(50), description: 'Gemini: page size' }),
    ApiQuery({
      name: 'pageToken',
      required: false,
      type: String,
      description: "Gemini: the previous page's nextPageToken",
    }),
    ApiOkResponse({
      description: FORMAT_CHOICE,
      schema: oneOf(OpenAiModelListDto, AnthropicModelListDto, GeminiModelListDto),
    }),
    ...errors([400, 401, 403, 503], oneOf(OpenAiErrorDto, AnthropicErrorDto, GeminiErrorDto)),
  );
}

/** GET /v1/models/{id}: one model in the caller's family's shape. */
export function ApiAnyFamilyModel(): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(...ALL_FAMILIES),
    ApiFamilyChoice(),
    ApiOkResponse({ description: FORMAT_CHOICE, schema: oneOf(OpenAiModelDto, AnthropicModelDto, GeminiModelDto) }),
    ...errors([401, 403, 404, 503], oneOf(OpenAiErrorDto, AnthropicErrorDto, GeminiErrorDto)),
  );
}

/** /v1beta is Gemini's alone: its parameters, its shapes. */
function ApiGeminiKeyParam(): MethodDecorator {
  return ApiQuery({ name: 'key', required: false, type: String, description: 'An API key (or send x-goog-api-key)' });
}

export function ApiGeminiList(): MethodDecorator {
  return applyDecorators(
    ApiGeminiKeyParam(),
    ApiModelFilters(),
    ApiQuery({ name: 'pageSize', required: false, schema: pageSize(50), description: 'Page size' }),
    ApiQuery({ name: 'pageToken', required: false, type: String, description: "The previous page's nextPageToken" }),
    ApiOkResponse({ type: GeminiModelListDto }),
    ...errors([400, 401, 403, 503], { $ref: getSchemaPath(GeminiErrorDto) }),
  );
}

export function ApiGeminiModel(): MethodDecorator {
  return applyDecorators(
    ApiGeminiKeyParam(),
    ApiOkResponse({ type: GeminiModelDto }),
    ...errors([401, 403, 404, 503], { $ref: getSchemaPath(GeminiErrorDto) }),
  );
}
