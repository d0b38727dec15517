import { PayloadTooLargeException } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { verifyUtf8Body } from '../../common/request-text';

/** The import route, after the /api/v1 alias has been rewritten to /api. */
export const IMPORT_PATH = '/api/models/import';

function size(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * Open WebUI's pages post a whole export file to the import route: it alone takes bodies up to
 * IMPORT_MAX_BYTES (the other routes keep 1 MiB). A larger body is a 413 naming the limit.
 */
export function importJsonBody(limit: number): RequestHandler {
  const parse = json({ limit, verify: verifyUtf8Body });
  return (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type !== 'entity.too.large') return next(error);
      next(
        new PayloadTooLargeException(
          `Import body is larger than ${size(limit)} (IMPORT_MAX_BYTES): split the file and import it in parts`,
        ),
      );
    });
}
