import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '../access/caller';
import type { ModelSummaryRow } from '../models/model-read.sql';
import { ModelRepository } from '../models/model.repository';
import { anthropicPageRequest, AnthropicPageRequest, toAnthropicModel, toAnthropicPage } from './anthropic.format';
import type { ClientFamily } from './client-family';
import type { AnthropicModelListDto } from './dto/anthropic-model.dto';
import type { GatewayModel, GatewayModelList } from './dto/gateway-responses';
import type { GeminiModelListDto } from './dto/gemini-model.dto';
import type { GatewayQuery } from './gateway-query';
import { geminiPageRequest, GeminiPageRequest, toGeminiModel, toGeminiPage } from './gemini.format';
import { toOpenAiList, toOpenAiModel } from './openai.format';

const GEMINI_NAME_PREFIX = 'models/';

/** The gateway model lists: what the caller may use, in the shape of its client family. */
@Injectable()
export class GatewayService {
  constructor(private readonly models: ModelRepository) {}

  async list(family: ClientFamily, caller: Caller, query: GatewayQuery): Promise<GatewayModelList> {
    switch (family) {
      case 'openai':
        return toOpenAiList(await this.models.listable(caller, { order: 'id' }));
      case 'anthropic':
        return this.anthropicPage(caller, anthropicPageRequest(query));
      case 'gemini':
        return this.geminiPage(caller, geminiPageRequest(query));
    }
  }

  /** One model in the family's shape; 404 alike for absent models and ones the caller may not list. */
  async one(family: ClientFamily, caller: Caller, id: string): Promise<GatewayModel> {
    const model = await this.find(family, caller, id);
    if (!model) throw new NotFoundException(`The model '${id}' does not exist or you do not have access to it`);
    switch (family) {
      case 'openai':
        return toOpenAiModel(model);
      case 'anthropic':
        return toAnthropicModel(model);
      case 'gemini':
        return toGeminiModel(model);
    }
  }

  /** Gemini clients may send the full name `models/<id>`: tried as an id first, then without the prefix. */
  private async find(family: ClientFamily, caller: Caller, id: string): Promise<ModelSummaryRow | null> {
    const model = await this.models.findListable(caller, id);
    if (model || family !== 'gemini' || !id.startsWith(GEMINI_NAME_PREFIX)) return model;
    return this.models.findListable(caller, id.slice(GEMINI_NAME_PREFIX.length));
  }

  /** Newest first; with before_id the page is the one just before that model, still newest first. */
  private async anthropicPage(caller: Caller, request: AnthropicPageRequest): Promise<AnthropicModelListDto> {
    const after = request.afterId === null ? null : await this.cursor(caller, 'after_id', request.afterId);
    const before = request.beforeId === null ? null : await this.cursor(caller, 'before_id', request.beforeId);
    const backwards = before !== null;
    const rows = await this.models.listable(caller, {
      order: backwards ? 'oldest' : 'newest',
      olderThan: after,
      newerThan: before,
      limit: request.limit + 1,
    });
    const page = rows.slice(0, request.limit);
    return toAnthropicPage(backwards ? page.reverse() : page, rows.length > request.limit);
  }

  /** A cursor must name a model in the caller's list: otherwise a 400 that reveals nothing about it. */
  private async cursor(caller: Caller, name: string, id: string): Promise<ModelSummaryRow> {
    const model = await this.models.findListable(caller, id);
    if (!model) throw new BadRequestException(`${name}: '${id}' is not a model in this list`);
    return model;
  }

  private async geminiPage(caller: Caller, request: GeminiPageRequest): Promise<GeminiModelListDto> {
    const { afterId, pageSize } = request;
    const rows = await this.models.listable(caller, { order: 'id', afterId, limit: pageSize + 1 });
    return toGeminiPage(rows.slice(0, pageSize), rows.length > pageSize);
  }
}
