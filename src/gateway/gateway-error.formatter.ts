import type { Request } from 'express';
import type { ErrorBodyFormatter } from '../common/api-exception.filter';
import { isGatewayPath } from '../common/gateway-path';
import { clientFamilyOf } from './client-family';
import { CLIENT_FORMATS } from './gateway-formats';

/**
 * Errors under /v1 and /v1beta (the guard's 401/403, unknown paths, bad paging, unlistable
 * models) in the shape the calling SDK parses, picked by the same rules as the success format.
 */
export class GatewayErrorFormatter implements ErrorBodyFormatter {
  format(request: Request, status: number, message: string): object | null {
    if (!isGatewayPath(request.path)) return null;
    return CLIENT_FORMATS[clientFamilyOf(request)].error(request.path, status, message);
  }
}
