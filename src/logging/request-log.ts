import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { AuthUser } from '../common/auth-user';
import { redactUrl } from '../common/redact-url';
import { requestIdOf } from '../common/request-id';
import type { AppLogger } from './logger';

type LoggedRequest = IncomingMessage & Partial<Pick<Request, 'originalUrl'>> & { user?: AuthUser };

/**
 * What one request line says. Headers are not logged at all, so Authorization, x-api-key,
 * x-goog-api-key and cookies cannot leak; the caller is named by id once the guard has run.
 */
function describe(request: LoggedRequest, response: ServerResponse, ms: number): Record<string, unknown> {
  return {
    method: request.method,
    path: redactUrl(request.originalUrl ?? request.url ?? ''),
    status: response.statusCode,
    ms,
    caller: request.user?.id ?? null,
    apiKey: request.user?.apiKey?.id ?? null,
  };
}

const summary = (request: LoggedRequest, response: ServerResponse): string =>
  `${request.method} ${redactUrl(request.originalUrl ?? request.url ?? '')} ${response.statusCode}`;

/** 503 is the known "database unreachable" answer (see /health): a warning, not a fault of ours. */
function levelOf(status: number, error: Error | undefined): 'info' | 'warn' | 'error' {
  if (status === 503) return 'warn';
  return error || status >= 500 ? 'error' : 'info';
}

/**
 * One line per request, written when the response ends or its connection closes first (whoever
 * answered it: a route, the body parser, the guard). Runs after requestIdMiddleware so the log and
 * the `x-request-id` header carry the same id. Written directly rather than through pino-http,
 * which made two child loggers and their bindings per request for the same line (README,
 * Performance: "CPU per request").
 */
export function requestLogger(logger: AppLogger): RequestHandler {
  return (request, response, next) => {
    logWhenDone(logger, request, response, Date.now());
    next();
  };
}

/** Writes the request's line when its response ends (the revalidation lane ahead of Express calls this too). */
export function logWhenDone(
  logger: AppLogger,
  request: IncomingMessage,
  response: ServerResponse,
  started: number,
): void {
  const done = (error?: Error): void => {
    response.removeListener('finish', done);
    response.removeListener('close', done);
    response.removeListener('error', done);
    const logged = request as LoggedRequest;
    const line = { reqId: requestIdOf(request), ...describe(logged, response, Date.now() - started) };
    logger[levelOf(response.statusCode, error)](line, summary(logged, response));
  };
  response.on('finish', done);
  response.on('close', done);
  response.on('error', done);
}
