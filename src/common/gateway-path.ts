/**
 * The gateway's paths (docs/gateway.md): everything under /v1 and /v1beta. The guard accepts Gemini-style
 * keys there and the error filter answers in a client family's shape, so both must agree on it.
 * `/api/v1/...` is the workspace API's alias, not the gateway.
 */
const GATEWAY_PATH = /^\/v1(beta)?(\/|$)/;

export function isGatewayPath(path: string): boolean {
  return GATEWAY_PATH.test(path);
}
