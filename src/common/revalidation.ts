import type { Request, Response } from 'express';
import type { Caller } from '../access/caller';
import type { AnswerCache } from './answer-cache';
import { AnswerEncoding, negotiatedEncoding, REVALIDATED_CACHE_CONTROL } from './answer-encoding';
import { answerKey, answerTag, noneMatchHolds } from './answer-tag';
import type { AuthUser } from './auth-user';

/** `api` answers depend on the caller, path and query; `gateway` answers pick their format by headers too. */
export type RevalidatedKind = 'api' | 'gateway';

/** Request headers an answer depends on: the credential (whose answer) and, for the gateway, the format. */
const CREDENTIAL_HEADERS = ['Authorization', 'Cookie', 'X-Api-Key'];
const FORMAT_HEADERS = ['Anthropic-Version', 'X-Goog-Api-Key'];
/**
 * Last, as the compression middleware appends it to a 200: named here too so a 304 carries the
 * same Vary as the 200 it stands for (the middleware adds nothing to a 304, which has no type).
 */
const ENCODING_HEADER = 'Accept-Encoding';
const VARY = {
  api: [...CREDENTIAL_HEADERS, ENCODING_HEADER].join(', '),
  gateway: [...CREDENTIAL_HEADERS, ...FORMAT_HEADERS, ENCODING_HEADER].join(', '),
};

/** What one revalidated request is: the identity of its answer and the tag it is sent with. */
export interface Revalidation {
  key: string;
  tag: string;
  /** The coding the compression middleware negotiates for the request (before its threshold and HEAD rules). */
  encoding: AnswerEncoding;
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

/** Answers remembered per caller; past this the caller's list starts over. */
const MAX_REVALIDATIONS_PER_CALLER = 64;

/**
 * Per caller as the caller memo hands it out (one frozen AuthUser until anything it was read from
 * changes, auth-user.loader.ts), the revalidations of its requests by everything else they depend
 * on: a repeated request costs a lookup, not the two SHA-256s and the sorted scope of answerKey.
 * A changed caller is a new object, so it never finds the old caller's keys.
 */
const byCaller = new WeakMap<AuthUser, Map<string, Revalidation>>();

function computeRevalidation(request: Request, kind: RevalidatedKind, user: AuthUser, caller: Caller): Revalidation {
  const anthropicVersion = kind === 'gateway' ? request.header('anthropic-version') : undefined;
  const googleKeyHeader = kind === 'gateway' && request.header('x-goog-api-key') !== undefined;
  const acceptEncoding = request.header('accept-encoding');
  const query = queryString(request.url);
  const build = (): Revalidation => {
    const key = answerKey({
      changeVersion: user.changeVersion,
      caller,
      keyId: user.apiKey?.id ?? null,
      path: request.path,
      query,
      anthropicVersion,
      googleKeyHeader,
    });
    const encoding = negotiatedEncoding(acceptEncoding);
    return { key, tag: answerTag(key, encoding), encoding };
  };
  // Only a frozen caller can stand for its answers; `bypass` is the one part of the caller not read from the user.
  if (!Object.isFrozen(user)) return build();
  const shape = JSON.stringify([
    kind,
    caller.bypass,
    request.path,
    query,
    anthropicVersion ?? null,
    googleKeyHeader,
    acceptEncoding ?? null,
  ]);
  let known = byCaller.get(user);
  const remembered = known?.get(shape);
  if (remembered !== undefined) return remembered;
  if (known === undefined || known.size >= MAX_REVALIDATIONS_PER_CALLER)
    byCaller.set(user, (known = new Map<string, Revalidation>()));
  const revalidation = build();
  known.set(shape, revalidation);
  return revalidation;
}

/** The Vary of a revalidated answer (after CORS's `Origin`, when CORS_ORIGINS is set). */
export function revalidationVary(kind: RevalidatedKind): string {
  return VARY[kind];
}

export function setRevalidationHeaders(response: Response, kind: RevalidatedKind, tag: string): void {
  response.set({ ETag: tag, 'Cache-Control': REVALIDATED_CACHE_CONTROL });
  response.vary(VARY[kind]);
}

/**
 * What the request can be answered with without building the answer: `null` (304, the client's
 * copy holds), the kept JSON bytes, or undefined (build it).
 */
export function knownAnswer(
  request: Request,
  cache: AnswerCache,
  { key, tag }: Revalidation,
): Buffer | null | undefined {
  const condition = request.header('if-none-match');
  if (asksForAnyTag(request)) {
    // `*` holds only where the answer exists (RFC 9110, 13.1.2): a kept answer (always a 200)
    // says so. Otherwise it is built, and Express's freshness test turns a 200 into a 304 while
    // a 404 or a 400 stays what it is.
    return cache.get(key) === undefined ? undefined : null;
  }
  if (noneMatchHolds(condition, tag)) return null;
  return cache.get(key);
}

/** `If-None-Match: *`: a 304 for any answer that exists, none for an error. */
export function asksForAnyTag(request: Request): boolean {
  return request.header('if-none-match')?.trim() === '*';
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

/** Nest sends a string as it is (and Express a buffer): the JSON, labelled as JSON. */
export function asJson<T extends string | Buffer>(response: Response, json: T): T {
  response.type('application/json');
  return json;
}

function queryString(url: string): string {
  const mark = url.indexOf('?');
  return mark < 0 ? '' : url.slice(mark + 1);
}
