import { createHash } from 'node:crypto';
import type { Caller } from '../access/caller';
import type { AnswerEncoding } from './answer-encoding';

/**
 * Raise when the shape of any revalidated answer changes without a change in the data (a new
 * field, another order): tags from the previous code must not 304 the new shape.
 */
const ANSWER_SHAPE_REVISION = 2;

/** Everything a revalidated answer depends on besides the stored data (docs/api.md, "Revalidation"). */
export interface AnswerScope {
  /** The change version read with the caller (src/database/change-tracking.ts). */
  changeVersion: string;
  caller: Caller;
  /** The API key the request came with: each key has its own tags, even with the same narrowing. */
  keyId: string | null;
  /** The path as routed (after the /api/v1 alias) and the raw query string. */
  path: string;
  query: string;
  /** Request headers that pick the answer's format or encoding. */
  anthropicVersion: string | undefined;
  googleKeyHeader: boolean;
}

/** Query parameters whose value is a credential: only their presence shapes the answer (it picks Gemini's format). */
const CREDENTIAL_PARAMS = new Set(['key']);

/**
 * Repeatable parameters whose values form a set (model-filters.ts: any of / all of): their order
 * never changes the answer, nor whether it is a 400 (each value is checked alone, and the count).
 */
const SET_PARAMS = new Set(['capability', 'endpoint_type', 'owned_by']);

/**
 * The query string with parameters in a stable order: by name; repeated names keep their order
 * (it may matter) except set-valued filters, whose values are sorted too, so equal answers share
 * a tag; credentials reduced to their presence.
 */
export function normalizedQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    if (CREDENTIAL_PARAMS.has(name)) return { name, value: '', pair: `${name}=…` };
    // Values as sent, not decoded: two spellings of one value get two tags, never one tag two answers.
    return { name, value: SET_PARAMS.has(name) && equals >= 0 ? pair.slice(equals + 1) : '', pair };
  });
  // Array.prototype.sort is stable: other repeated names keep their order.
  pairs.sort((a, b) => compare(a.name, b.name) || compare(a.value, b.value));
  return pairs.map(({ pair }) => pair).join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Digests of frozen allow-lists, by the array itself: the caller loader hands out one frozen array
 * per key and list (auth-user.loader.ts), so a 500-id list is sorted and hashed once, not per request.
 */
const allowListDigests = new WeakMap<readonly string[], string>();

/** The allow-list as it shapes the answer: a set, so in sorted order (a digest of it when it cannot change). */
function allowListScope(models: string[] | null): string[] | string | null {
  if (models === null) return null;
  if (!Object.isFrozen(models)) return [...models].sort();
  let digest = allowListDigests.get(models);
  if (digest === undefined) {
    digest = sha256(JSON.stringify([...models].sort()));
    allowListDigests.set(models, digest);
  }
  return digest;
}

function callerScope(caller: Caller): unknown[] {
  return [
    caller.userId,
    caller.isAdmin,
    caller.bypass,
    [...caller.groupIds].sort(),
    caller.keyGroupId,
    allowListScope(caller.keyModels),
    caller.readOnly,
  ];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/**
 * The identity of an answer: equal only when every input of the answer is equal, so one caller's
 * key never stands for another caller's different answer. The answer cache is keyed by it.
 */
export function answerKey(scope: AnswerScope): string {
  const input = JSON.stringify([
    ANSWER_SHAPE_REVISION,
    scope.changeVersion,
    callerScope(scope.caller),
    scope.keyId,
    scope.path,
    normalizedQuery(scope.query),
    scope.anthropicVersion ?? null,
    scope.googleKeyHeader,
  ]);
  return sha256(input);
}

/**
 * The strong ETag of the answer as sent: a gzip or br body is another representation, so the
 * coding the compression middleware negotiates for the request is part of it (answer-encoding.ts;
 * two spellings of Accept-Encoding that pick the same coding share a tag). A hash, so it reveals
 * neither the caller's scope nor how many changes the registry has seen.
 */
export function answerTag(answer: string, encoding: AnswerEncoding): string {
  return `"${encoding === 'identity' ? answer : sha256(`${answer}\n${encoding}`)}"`;
}

/**
 * Whether If-None-Match names the tag: any tag of the list under the weak comparison HTTP asks for
 * here (a `W/` prefix ignored). `*` names no tag: it asks whether the answer exists, which only the
 * caller can tell (knownAnswer in revalidation.ts).
 */
export function noneMatchHolds(ifNoneMatch: string | undefined, tag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((entry) => entry.trim().replace(/^W\//, '') === tag);
}
