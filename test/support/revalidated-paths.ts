/**
 * Every revalidated route (docs/api.md, "Revalidation") as a path with its query, for a world with
 * a model `team/helper`: the workspace API's and the gateway's.
 */
export const REVALIDATED_API_PATHS = [
  '/api/models/list',
  '/api/models/list?order_by=name&direction=asc&page=1',
  '/api/v1/models/list',
  '/api/models/tags',
  '/api/models/model?id=team%2Fhelper',
  '/api/models/export',
  '/api/models',
  '/api/models/base',
  '/api/v1/models/base',
  '/api/v1/models/base/tags',
];

export const REVALIDATED_GATEWAY_PATHS = [
  '/v1/models',
  '/v1/models/team/helper',
  '/v1beta/models',
  '/v1beta/models/team/helper',
];
