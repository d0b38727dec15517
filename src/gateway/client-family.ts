import type { Request } from 'express';

export const CLIENT_FAMILIES = ['openai', 'anthropic', 'gemini'] as const;
export type ClientFamily = (typeof CLIENT_FAMILIES)[number];

const GEMINI_ONLY_PATH = /^\/v1beta(\/|$)/;

/**
 * Which SDK family is calling (docs/gateway.md): /v1beta is Gemini's; on /v1 an `anthropic-version`
 * header means Anthropic's SDK, a Gemini key (`x-goog-api-key` or `?key=`) Gemini's, anything else OpenAI's.
 */
export function clientFamilyOf(request: Request): ClientFamily {
  if (GEMINI_ONLY_PATH.test(request.path)) return 'gemini';
  if (request.header('anthropic-version') !== undefined) return 'anthropic';
  const query = request.query as Record<string, unknown> | undefined;
  if (request.header('x-goog-api-key') !== undefined || query?.key !== undefined) return 'gemini';
  return 'openai';
}
