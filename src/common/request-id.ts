import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

const REQUEST_ID = Symbol('requestId');
type WithRequestId = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * The id a request is known by: a sane incoming x-request-id, or a new uuid; remembered on the
 * request for the log line (the revalidation lane ahead of Express calls this too).
 */
export function assignRequestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  (request as WithRequestId)[REQUEST_ID] = id;
  return id;
}

/** Gives each request an id, echoed in the response. */
export function requestIdMiddleware(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('x-request-id', assignRequestId(request));
  next();
}

export function requestIdOf(request: IncomingMessage): string {
  return (request as WithRequestId)[REQUEST_ID] ?? '-';
}
