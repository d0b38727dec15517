/**
 * Open WebUI's paths that differ between /api and /api/v1 (docs/api.md): `/api/models` and
 * `/api/models/base` answer `{data}`, `/api/v1/models/base` a bare array, and the admin settings'
 * routes live under /api/v1 only. These are routed as they come, never rewritten.
 */
/**
 * The URL routed for a request's URL and path: `/api/v1/...` is an alias of `/api/...`, rewritten
 * before routing so every route answers on both (app.setup.ts), except the paths above.
 */
export function aliasedUrl(url: string, path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return url.startsWith('/api/v1/') && !V1_ONLY_PATHS.has(trimmed) ? '/api/' + url.slice('/api/v1/'.length) : url;
}

export const V1_ONLY_PATHS: ReadonlySet<string> = new Set([
  '/api/v1/models',
  '/api/v1/models/base',
  '/api/v1/models/base/tags',
  '/api/v1/models/all',
  '/api/v1/models/delete/all',
]);
