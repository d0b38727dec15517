/**
 * Open WebUI's paths that differ between /api and /api/v1 (docs/api.md): `/api/models` and
 * `/api/models/base` answer `{data}`, `/api/v1/models/base` a bare array, and the admin settings'
 * routes live under /api/v1 only. These are routed as they come, never rewritten.
 */
export const V1_ONLY_PATHS: ReadonlySet<string> = new Set([
  '/api/v1/models',
  '/api/v1/models/base',
  '/api/v1/models/base/tags',
  '/api/v1/models/all',
  '/api/v1/models/delete/all',
]);
