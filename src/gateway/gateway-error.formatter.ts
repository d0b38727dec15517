import type { Request } from 'express';
import type { ErrorBodyFormatter } from '../common/api-exception.filter';
import { anthropicError } from './anthropic.format';
import { clientFamilyOf, isGatewayPath } from './client-family';
import { geminiError } from './gemini.format';
import { openAiError } from './openai.format';

/**
 * Errors under /v1 and /v1beta (the guard's 401/403, unknown paths, bad paging, unlistable
 * models) in the shape the calling SDK parses, picked by the same rules as the success format.
 */
export class GatewayErrorFormatter implements ErrorBodyFormatter {
  format(request: Request, status: number, message: string): object | null {
    if (!isGatewayPath(request.path)) return null;
    switch (clientFamilyOf(request)) {
      case 'anthropic':
        return anthropicError(status, message);
      case 'gemini':
        return geminiError(status, message);
      case 'openai':
        return openAiError(request.path, status, message);
    }
  }
}
