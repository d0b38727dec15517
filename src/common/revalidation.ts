import type { Request, Response } from 'express';
import type { Caller } from '../access/caller';
import type { AnswerCache } from './answer-cache';
import { answerKey, answerTag, noneMatchHolds } from './answer-tag';
import type { AuthUser } from './auth-user';

/** `api` answers depend on the caller, path and query; `gateway` answers pick their format by headers too. */
export type RevalidatedKind = 'api' | 'gateway';

/** Request headers an answer depends on: the credential (whose answer) and, for the gateway, the format. */
const CREDENTIAL_HEADERS = ['Authorization', 'Cookie', 'X-Api-Key'];
const FORMAT_HEADERS = ['Anthropic-Version', 'X-Goog-Api-Key'];

/** What one revalidated request is: the identity of its answer and the tag it is sent with. */
export interface Revalidation {
  key: string;
  tag: string;
}

/**
 * Computed once per request and caller: when the lane (auth/revalidation-lane.ts) could not answer,
 * the interceptor reuses its key instead of hashing the caller's scope (a key's allow-list) again.
 */
const computed = new WeakMap<Request, { user: AuthUser; kind: RevalidatedKind; revalidation: Revalidation }>();

export function revalidationOf(request: Request, kind: RevalidatedKind, user: AuthUser, caller: Caller): Revalidation {
  const known = computed.get(request);
  if (known?.user === user && known.kind === kind) return known.revalidation;
  const revalidation = computeRevalidation(request, kind, user, caller);
  computed.set(request, { user, kind, revalidation });
  return revalidation;
}

function computeRevalidation(request: Request, kind: RevalidatedKind, user: AuthUser, caller: Caller): Revalidation {
  const key = answerKey({
    changeVersion: user.changeVersion,
    caller,
    keyId: user.apiKey?.id ?? null,
    path: request.path,
    query: queryString(request.url),
    anthropicVersion: kind === 'gateway' ? request.header('anthropic-version') : undefined,
    googleKeyHeader: kind === 'gateway' && request.header('x-goog-api-key') !== undefined,
  });
  return { key, tag: answerTag(key, request.header('accept-encoding')) };
}

export function setRevalidationHeaders(response: Response, kind: RevalidatedKind, tag: string): void {
  response.set({ ETag: tag, 'Cache-Control': 'private, no-cache' });
  response.vary([...CREDENTIAL_HEADERS, ...(kind === 'gateway' ? FORMAT_HEADERS : [])].join(', '));
}

/**
 * What the request can be answered with without building the answer: `null` (304, the client's
 * copy holds), the kept JSON text, or undefined (build it).
 */
export function knownAnswer(
  request: Request,
  cache: AnswerCache,
  { key, tag }: Revalidation,
): string | null | undefined {
  if (noneMatchHolds(request.header('if-none-match'), tag)) return null;
  return cache.get(key);
}

/**
 * Express's res.send answers 304 (and drops the body and its headers) when `request.fresh`. Its own
 * test also gives up when the request says `Cache-Control: no-cache`, which fetch() adds to every
 * request with If-None-Match (so every SDK's would miss); that header asks caches, not the origin,
 * to revalidate, so the decision made here is handed over instead.
 */
export function markNotModified(request: Request): undefined {
  Object.defineProperty(request, 'fresh', { value: true });
  return undefined;
}

/** Nest sends a string as it is: the JSON text, labelled as JSON. */
export function asJson(response: Response, text: string): string {
  response.type('application/json');
  return text;
}

function queryString(url: string): string {
  const mark = url.indexOf('?');
  return mark < 0 ? '' : url.slice(mark + 1);
}
