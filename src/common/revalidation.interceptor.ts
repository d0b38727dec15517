import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  StreamableFile,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, map, Observable, of, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../access/caller';
import { AnswerCache } from './answer-cache';
import { RawJson } from './raw-json';
import {
  asJson,
  asksForAnyTag,
  knownAnswer,
  markNotModified,
  RevalidatedKind,
  revalidationOf,
  setRevalidationHeaders,
} from './revalidation';

export const REVALIDATED = 'revalidated';

/**
 * A read whose answer depends only on the stored data, the caller and the request's path, query
 * and the named headers: it gets an ETag, answers 304 to a matching If-None-Match, and is served
 * from the answer cache when the same answer was built since the last change (docs/api.md,
 * "Revalidation"). `gateway` routes pick their format by headers too. The revalidation lane
 * (auth/revalidation-lane.ts) answers the same 304s and cache hits ahead of Nest's router.
 */
export const Revalidated = (kind: RevalidatedKind = 'api'): MethodDecorator => SetMetadata(REVALIDATED, kind);

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
    const kind = this.reflector.get<RevalidatedKind | undefined>(REVALIDATED, context.getHandler());
    const http = context.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const { user, caller } = request;
    if (kind === undefined || user === undefined || caller === undefined) return next.handle();
    const response = http.getResponse<Response>();
    const revalidation = revalidationOf(request, kind, user, caller);
    setRevalidationHeaders(response, kind, revalidation.tag);
    const known = knownAnswer(request, this.cache, revalidation);
    if (known === null) return of(markNotModified(request));
    // Nest would send a buffer as a JSON object: the text (only when the lane is off or did not answer).
    if (known !== undefined) return of(asJson(response, known.toString('utf8')));
    // `If-None-Match: *` holds once the answer is known to exist: now that it has been built.
    const anyTag = asksForAnyTag(request);
    return next.handle().pipe(
      map((body: unknown) => {
        // An answer built as JSON (RawJson) is sent as its bytes, never made one string: Nest sends a
        // buffer only as a StreamableFile (the same bytes and Content-Length; Content-Type as set here).
        if (body instanceof RawJson) {
          this.cache.set(revalidation.key, body.bytes);
          if (anyTag) return markNotModified(request);
          response.type('application/json');
          return new StreamableFile(body.bytes);
        }
        const text = JSON.stringify(body) as string | undefined;
        if (text === undefined) return body;
        this.cache.set(revalidation.key, text);
        if (anyTag) return markNotModified(request);
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
