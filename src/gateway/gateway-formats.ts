import type { RawJson } from '../common/raw-json';
import type { ModelSummaryRow } from '../models/model-read.sql';
import { anthropicError, anthropicList, toAnthropicModel } from './anthropic.format';
import type { ClientFamily } from './client-family';
import type { GatewayModel, GatewayModelList } from './dto/gateway-responses';
import type { GatewayQuery, ListableModels } from './gateway-query';
import { geminiError, geminiList, toGeminiModel } from './gemini.format';
import { openAiError, openAiList, toOpenAiModel } from './openai.format';

/** Everything that differs between client families (docs/gateway.md): the list, one model, an error. */
export interface ClientFormat {
  /** One page of the caller's models, paged by the family's own query parameters. */
  /** OpenAI's list comes as JSON text built by PostgreSQL (RawJson); the others as objects. */
  list(models: ListableModels, query: GatewayQuery): Promise<GatewayModelList | RawJson>;
  one(model: ModelSummaryRow): GatewayModel;
  error(path: string, status: number, message: string): object;
}

/** The one place that picks a family's formatters: adding a family means adding an entry here. */
export const CLIENT_FORMATS: Record<ClientFamily, ClientFormat> = {
  openai: { list: openAiList, one: toOpenAiModel, error: openAiError },
  anthropic: {
    list: anthropicList,
    one: toAnthropicModel,
    error: (_path, status, message) => anthropicError(status, message),
  },
  gemini: {
    list: geminiList,
    one: toGeminiModel,
    error: (_path, status, message) => geminiError(status, message),
  },
};
