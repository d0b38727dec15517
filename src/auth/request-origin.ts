import type { Request } from 'express';

/** Methods that change nothing here: a browser may send them from anywhere with the cookie. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An origin as browsers serialise it (lower case, no default port), or the text itself when it is not a URL. */
function normalise(origin: string): string {
  return URL.canParse(origin) ? new URL(origin).origin : origin;
}

/**
 * This service's own origin as the browser addressed it: the request's scheme and Host. Behind a
 * proxy both come from X-Forwarded-Proto/-Host only when TRUST_PROXY trusts that proxy.
 */
function ownOrigin(request: Request): string | null {
  const host = request.host;
  return host ? normalise(`${request.protocol}://${host}`) : null;
}

/** Where the browser says the request comes from: Origin, or else the origin of Referer. */
function claimedOrigin(request: Request): string | null {
  const origin = request.header('origin')?.trim();
  if (origin) return normalise(origin);
  const referer = request.header('referer')?.trim();
  if (!referer) return null;
  return URL.canParse(referer) ? new URL(referer).origin : 'an unreadable Referer';
}

/**
 * Why a request signed in only by the session cookie must be refused as possibly cross-site
 * (docs/access.md, Cookies), or null when it may go on. Only methods that change something are
 * checked; they must come from a page of this service or of an origin in CORS_ORIGINS. Browsers
 * always send Origin on such fetches and cannot be made to forge it, so a page elsewhere cannot
 * use the visitor's cookie to act for them, even on a sibling subdomain that SameSite=Lax lets through.
 */
export function crossSiteRefusal(request: Request, allowedOrigins: readonly string[]): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const claimed = claimedOrigin(request);
  const own = ownOrigin(request);
  if (claimed !== null && (claimed === own || allowedOrigins.includes(claimed))) return null;
  const why =
    claimed === null
      ? 'no Origin or Referer header'
      : `origin ${JSON.stringify(claimed.slice(0, 200))} is neither this service (${own ?? 'unknown host'}) nor in CORS_ORIGINS`;
  return (
    `cross-site request refused: ${why}. A ${request.method} signed in only by the session cookie must come ` +
    'from a page of this service or of an origin in CORS_ORIGINS; other clients send ' +
    'Authorization: Bearer <token> or an API key'
  );
}
