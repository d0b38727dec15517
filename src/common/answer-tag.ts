import { createHash } from 'node:crypto';
import type { Caller } from '../access/caller';

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
 * The query string with parameters in a stable order: by name, keeping repeated names in their
 * order (their order may matter); credentials reduced to their presence.
 */
export function normalizedQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    return CREDENTIAL_PARAMS.has(name) ? { name, pair: `${name}=…` } : { name, pair };
  });
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return pairs.map(({ pair }) => pair).join('&');
}

function callerScope(caller: Caller): unknown[] {
  return [
    caller.userId,
    caller.isAdmin,
    caller.bypass,
    [...caller.groupIds].sort(),
    caller.keyGroupId,
    caller.keyModels === null ? null : [...caller.keyModels].sort(),
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
 * encodings the client accepts are part of it. A hash, so it reveals neither the caller's scope
 * nor how many changes the registry has seen.
 */
export function answerTag(answer: string, acceptEncoding: string | undefined): string {
  return `"${acceptEncoding ? sha256(`${answer}\n${acceptEncoding}`) : answer}"`;
}

/**
 * Whether If-None-Match names the tag: `*`, or any tag of the list under the weak comparison HTTP
 * asks for here (a `W/` prefix ignored).
 */
export function noneMatchHolds(ifNoneMatch: string | undefined, tag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((entry) => entry.trim().replace(/^W\//, '') === tag);
}
