import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm run build:web` (web/build.mjs) puts the app: dist/web at the repository root. */
export const WEB_APP_DIR = resolve(__dirname, '..', '..', 'dist', 'web');

/** Answer when the app was never built: the service still runs, and says how to get the page. */
const NOT_BUILT = 'the web app is not built: run `npm run build:web` (npm start does it), then reload this page';

function indexPage(dir: string) {
  const index = join(dir, 'index.html');
  return (request: Request, response: Response, next: NextFunction): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.path !== '/') return next();
    if (!existsSync(index)) {
      response
        .status(503)
        .json({ statusCode: 503, error: 'Service Unavailable', message: NOT_BUILT, detail: NOT_BUILT });
      return;
    }
    // The page names hashed assets: always revalidate it so a new build is picked up at once.
    response.sendFile(index, { headers: { 'Cache-Control': 'no-cache' }, lastModified: true });
  };
}

/**
 * Serves the web app (docs/webapp.md): its page at `/` (the app keeps its state in the query string)
 * and its hashed scripts, styles and fonts under `/assets/`. Nothing else: an unknown path, or an
 * asset that does not exist, falls through to the JSON 404 of the API. These files are public on
 * purpose (they hold no data; every API call the app makes is guarded as any other client's).
 */
export function serveWebApp(app: NestExpressApplication, dir: string = WEB_APP_DIR): void {
  app.use(indexPage(dir));
  app.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      redirect: false,
      fallthrough: true,
      immutable: true,
      maxAge: '365d',
    }),
  );
}
