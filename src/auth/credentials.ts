import type { Request } from 'express';
import { API_KEY_PREFIX } from '../api-keys/api-key-secret';
import { isGatewayPath } from '../common/gateway-path';

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(request: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
  return match ? match[1] : null;
}

/**
 * The API key a request carries, or null when it carries none (or a sign-in token instead).
 * An Authorization header wins over the others; `x-goog-api-key` and `?key=` count only on
 * gateway paths, so a key in a URL cannot reach the rest of the API (URLs end up in logs).
 */
export function readApiKey(request: Request): string | null {
  const bearer = bearerToken(request);
  if (bearer !== null) return bearer.startsWith(API_KEY_PREFIX) ? bearer : null;
  const header = request.header('x-api-key')?.trim();
  if (header) return header;
  if (!isGatewayPath(request.path)) return null;
  const google = request.header('x-goog-api-key')?.trim();
  if (google) return google;
  const query = (request.query as Record<string, unknown>).key;
  return typeof query === 'string' && query.length > 0 ? query : null;
}

/** A Gemini-style key (`?key=` or `x-goog-api-key`) sent outside the gateway paths, where it does not count. */
export function hasGatewayOnlyKey(request: Request): boolean {
  if (isGatewayPath(request.path)) return false;
  const query = (request.query as Record<string, unknown>).key;
  return query !== undefined || request.header('x-goog-api-key') !== undefined;
}
