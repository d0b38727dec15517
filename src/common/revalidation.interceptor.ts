import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, map, Observable, of, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../access/caller';
import { AnswerCache } from './answer-cache';
import { answerKey, answerTag, noneMatchHolds } from './answer-tag';
import { RawJson } from './raw-json';

const REVALIDATED = 'revalidated';

/** Request headers an answer depends on: the credential (whose answer) and, for the gateway, the format. */
const CREDENTIAL_HEADERS = ['Authorization', 'Cookie', 'X-Api-Key'];
const FORMAT_HEADERS = ['Anthropic-Version', 'X-Goog-Api-Key'];

/**
 * A read whose answer depends only on the stored data, the caller and the request's path, query
 * and the named headers: it gets an ETag, answers 304 to a matching If-None-Match, and is served
 * from the answer cache when the same answer was built since the last change (docs/api.md,
 * "Revalidation"). `gateway` routes pick their format by headers too.
 */
export const Revalidated = (kind: 'api' | 'gateway' = 'api'): MethodDecorator => SetMetadata(REVALIDATED, kind);

/**
 * Runs after the global guard, which read the caller and the change version in one query: a 304
 * or a cached answer costs that query, a hash and no work proportional to the answer's rows.
 */
@Injectable()
export class RevalidationInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: AnswerCache,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kind = this.reflector.get<'api' | 'gateway' | undefined>(REVALIDATED, context.getHandler());
    const http = context.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const { user, caller } = request;
    if (kind === undefined || user === undefined || caller === undefined) return next.handle();
    const response = http.getResponse<Response>();
    const key = answerKey({
      changeVersion: user.changeVersion,
      caller,
      keyId: user.apiKey?.id ?? null,
      path: request.path,
      query: queryString(request.url),
      anthropicVersion: kind === 'gateway' ? request.header('anthropic-version') : undefined,
      googleKeyHeader: kind === 'gateway' && request.header('x-goog-api-key') !== undefined,
    });
    const tag = answerTag(key, request.header('accept-encoding'));
    response.set({ ETag: tag, 'Cache-Control': 'private, no-cache' });
    response.vary([...CREDENTIAL_HEADERS, ...(kind === 'gateway' ? FORMAT_HEADERS : [])].join(', '));
    if (noneMatchHolds(request.header('if-none-match'), tag)) return of(notModified(request));
    const cached = this.cache.get(key);
    if (cached !== undefined) return of(asJson(response, cached));
    return next.handle().pipe(
      map((body: unknown) => {
        // An answer built as JSON text (RawJson) is sent as it is, not parsed and stringified again.
        const text = body instanceof RawJson ? body.text : (JSON.stringify(body) as string | undefined);
        if (text === undefined) return body;
        this.cache.set(key, text);
        return asJson(response, text);
      }),
      // An error answer carries no tag: only the answer the tag names may be revalidated.
      catchError((error: unknown) => {
        response.removeHeader('ETag');
        return throwError(() => error);
      }),
    );
  }
}

/**
 * Express's res.send answers 304 (and drops the body and its headers) when `request.fresh`. Its own
 * test also gives up when the request says `Cache-Control: no-cache`, which fetch() adds to every
 * request with If-None-Match (so every SDK's would miss); that header asks caches, not the origin,
 * to revalidate, so the decision made here is handed over instead.
 */
function notModified(request: Request): undefined {
  Object.defineProperty(request, 'fresh', { value: true });
  return undefined;
}

function queryString(url: string): string {
  const mark = url.indexOf('?');
  return mark < 0 ? '' : url.slice(mark + 1);
}

/** Nest sends a string as it is: the JSON text, labelled as JSON. */
function asJson(response: Response, text: string): string {
  response.type('application/json');
  return text;
}
