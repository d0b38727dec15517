import { UnsupportedMediaTypeException } from '@nestjs/common';
import { raw } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Only application/json bodies are parsed. Any other body (curl -d sends form encoding, fetch
 * sends text/plain) would reach the routes as no body at all and fail as missing fields; say
 * what is wrong instead. Such a body is read first: Node's own client sends a POST without a
 * body as an empty chunked one, and an empty body needs no type.
 */
export function requireJsonBody(limit: string): RequestHandler {
  const readRaw = raw({ type: () => true, limit });
  return (request: Request, response: Response, next: NextFunction) => {
    if (WITHOUT_BODY.has(request.method) || request.is('application/json') !== false) return next();
    readRaw(request, response, (error?: unknown) => {
      if (error) return next(error);
      const body: unknown = request.body;
      request.body = undefined;
      if (!Buffer.isBuffer(body) || body.length === 0) return next();
      const sent = (request.headers['content-type'] ?? '').split(';')[0].trim().slice(0, 100);
      next(
        new UnsupportedMediaTypeException(
          `Request body must be JSON: send Content-Type: application/json (got ${sent ? `"${sent}"` : 'no Content-Type'})`,
        ),
      );
    });
  };
}
