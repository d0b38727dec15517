import { isGatewayPath } from '../../src/common/gateway-path';

describe('gateway path', () => {
  it.each(['/v1', '/v1/', '/v1/models', '/v1/models/a/b', '/v1/chat/completions', '/v1beta', '/v1beta/models'])(
    'recognises %s',
    (path) => expect(isGatewayPath(path)).toBe(true),
  );

  it.each([
    '/',
    '/api/v1/models',
    '/api/models/list',
    '/v10/models',
    '/v1models',
    '/v1betamodels',
    '/v2/models',
    '/V1/models',
  ])('leaves %s to the workspace API', (path) => expect(isGatewayPath(path)).toBe(false));
});
