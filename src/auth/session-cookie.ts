import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

/** The cookie sign-in and sign-up set, named as Open WebUI names its own. */
export const SESSION_COOKIE = 'token';

/**
 * The sign-in token of the session cookie, or null. Parsed by the `cookie` library: a malformed
 * pair is skipped, a repeated name counts once (the first, as browsers send the most specific first).
 */
export function sessionCookie(request: Request): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  const value = parseCookie(header)[SESSION_COOKIE]?.trim();
  return value ? value : null;
}

/**
 * httpOnly so script in a page (an injected one included) cannot read it; SameSite=Lax so other
 * sites' forms, images and fetches do not carry it; Secure when the request came over HTTPS
 * (`request.secure`, which believes X-Forwarded-Proto only from a TRUST_PROXY proxy).
 */
function attributes(request: Request, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: request.secure, maxAge: maxAgeSeconds };
}

/** Sets the session cookie to `token`, living as long as the token itself. */
export function setSessionCookie(request: Request, response: Response, token: string, maxAgeSeconds: number): void {
  response.append('Set-Cookie', stringifySetCookie(SESSION_COOKIE, token, attributes(request, maxAgeSeconds)));
}

/** Expires the session cookie (Max-Age=0, and an Expires in the past for clients that ignore Max-Age). */
export function clearSessionCookie(request: Request, response: Response): void {
  const cleared = { ...attributes(request, 0), expires: new Date(0) };
  response.append('Set-Cookie', stringifySetCookie(SESSION_COOKIE, '', cleared));
}
