import { BadRequestException } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** Deeper JSON would overflow the stack of the validation pipe and class-transformer (a 500). */
export const MAX_BODY_DEPTH = 64;

/**
 * body-parser `verify` hook: bytes that are not UTF-8 would otherwise be decoded to U+FFFD and
 * stored silently; refuse them instead (400, see describe-error).
 */
export function verifyUtf8Body(_request: IncomingMessage, _response: ServerResponse, body: Buffer): void {
  if (!isUtf8(body)) {
    throw Object.assign(new Error('Request body is not valid UTF-8'), { status: 400, type: 'encoding.invalid' });
  }
}

/** With the u flag, only a surrogate that is not half of a pair matches \p{Cs}. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** Why PostgreSQL text cannot hold this string unchanged, or null. */
function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (UNPAIRED_SURROGATE.test(text)) return 'contains an unpaired surrogate (not valid Unicode)';
  return null;
}

/** The first string (key or value) in a parsed JSON body that cannot be stored, or nesting too deep. */
function bodyProblem(body: unknown): string | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: 'body', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return `${path} ${problem}`;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) return `body is nested more than ${MAX_BODY_DEPTH} levels deep`;
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      const problem = textProblem(key);
      if (problem) return `a key in ${path} ${problem}`;
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

function decoded(raw: string): string | null {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** The first part of the URL (path or a query parameter) that is not valid percent-encoded UTF-8 or holds NUL. */
export function urlProblem(url: string): string | null {
  const [path, query = ''] = url.split(/\?(.*)/s, 2);
  const parts = [{ label: 'the URL path', raw: path }];
  for (const pair of query.split('&').filter(Boolean)) {
    const [name, value = ''] = pair.split(/=(.*)/s, 2);
    const label = `query parameter ${JSON.stringify(decoded(name) ?? name).slice(0, 80)}`;
    parts.push({ label, raw: name }, { label, raw: value });
  }
  for (const { label, raw } of parts) {
    const text = decoded(raw);
    if (text === null) return `${label} is not valid percent-encoded UTF-8`;
    const problem = textProblem(text);
    if (problem) return `${label} ${problem}`;
  }
  return null;
}

/**
 * Text the database cannot store (NUL, unpaired surrogates, invalid UTF-8 in the URL) and
 * pathologically deep JSON are refused here, once for every route, with a 400 naming where.
 */
export function requestTextGuard(request: Request, _response: Response, next: NextFunction): void {
  const problem = urlProblem(request.originalUrl) ?? bodyProblem(request.body);
  next(problem ? new BadRequestException(problem) : undefined);
}
