import type { AnthropicModelDto, AnthropicModelListDto } from './anthropic-model.dto';
import type { GeminiModelDto, GeminiModelListDto } from './gemini-model.dto';
import type { OpenAiModelDto, OpenAiModelListDto } from './openai-model.dto';

/** One gateway route answers in the calling client family's shape (docs/gateway.md). */
export type GatewayModelList = OpenAiModelListDto | AnthropicModelListDto | GeminiModelListDto;
export type GatewayModel = OpenAiModelDto | AnthropicModelDto | GeminiModelDto;
