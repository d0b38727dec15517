import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { constants } from 'node:zlib';

/** Answers below this many bytes are sent as they are: compressing them saves less than it costs. */
export const COMPRESSION_THRESHOLD = 1024;

/**
 * The fastest levels: model lists are repetitive JSON that shrinks well even so, and the CPU
 * serving /v1/models is the service's bottleneck (README, Performance).
 */
export const COMPRESSION_OPTIONS = {
  threshold: COMPRESSION_THRESHOLD,
  level: 1,
  brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } },
};

/**
 * For a web app served from this origin: scripts and styles from 'self' only, no inline script,
 * images from 'self' and data: URIs. upgrade-insecure-requests is left out because the registry
 * is often reached over plain HTTP on a LAN, where it would break the page's own requests.
 */
const APP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
  upgradeInsecureRequests: null,
};

/**
 * Swagger UI's page (from @nestjs/swagger) carries its layout in inline <style> blocks, so /docs
 * allows inline styles; its scripts are files from 'self', so script rules stay as strict.
 */
const DOCS_DIRECTIVES = { ...APP_DIRECTIVES, styleSrc: ["'self'", "'unsafe-inline'"] };
const DOCS_PATH = /^\/docs(\/|$)/;

const appHelmet = () => helmet({ contentSecurityPolicy: { useDefaults: false, directives: APP_DIRECTIVES } });

function securityHeaders(): (request: Request, response: Response, next: NextFunction) => void {
  const app = appHelmet();
  const docs = helmet({ contentSecurityPolicy: { useDefaults: false, directives: DOCS_DIRECTIVES } });
  return (request, response, next) => (DOCS_PATH.test(request.path) ? docs : app)(request, response, next);
}

/**
 * The headers helmet sets on every answer outside /docs, in its order: recorded once from helmet
 * itself (they depend on nothing in the request), for the revalidation lane ahead of Express.
 */
export function securityHeaderList(): ReadonlyArray<readonly [string, string]> {
  const set = new Map<string, readonly [string, string]>();
  const recorder = {
    setHeader: (name: string, value: unknown) => set.set(name.toLowerCase(), [name, String(value)]),
    removeHeader: (name: string) => set.delete(name.toLowerCase()),
  };
  let done = false;
  appHelmet()({} as Request, recorder as unknown as Response, () => (done = true));
  if (!done) throw new Error('helmet did not finish at once');
  return [...set.values()];
}

/**
 * What the cors middleware (enableCors below) adds to a simple request's answer, in its order:
 * the origin echoed when listed, Vary: Origin, credentials allowed. Empty without CORS_ORIGINS.
 */
export function corsHeaderList(corsOrigins: readonly string[], origin: string | undefined): Array<[string, string]> {
  if (corsOrigins.length === 0) return [];
  const allowed = origin !== undefined && corsOrigins.includes(origin);
  return [
    ...(allowed ? [['Access-Control-Allow-Origin', origin] as [string, string]] : []),
    ['Vary', 'Origin'],
    ['Access-Control-Allow-Credentials', 'true'],
  ];
}

/**
 * Security headers, gzip/br for answers over 1 KiB, and CORS for the configured origins only
 * (none by default: then browsers on other origins cannot read answers). Registered first, so
 * every answer, errors included, gets them; a preflight is answered before the guard. CORS allows
 * credentials because Open WebUI's pages sign in and read the caller with `credentials: 'include'`,
 * which browsers refuse without it; a listed origin is trusted with the session cookie anyway.
 */
export function useHttpBasics(app: NestExpressApplication, corsOrigins: string[]): void {
  app.use(securityHeaders());
  if (corsOrigins.length > 0) app.enableCors({ origin: corsOrigins, credentials: true, maxAge: 600 });
  app.use(compression(COMPRESSION_OPTIONS));
}
