import { Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '../access/caller';
import type { RawJson } from '../common/raw-json';
import { ModelFilters, parseModelFilters } from '../models/model-filters';
import type { ModelSummaryRow } from '../models/model-read.sql';
import { ModelRepository } from '../models/model.repository';
import type { ClientFamily } from './client-family';
import type { GatewayModel, GatewayModelList } from './dto/gateway-responses';
import { CLIENT_FORMATS } from './gateway-formats';
import type { GatewayQuery, ListableModels } from './gateway-query';
import { ModelJsonCache } from './model-json-cache';

const GEMINI_NAME_PREFIX = 'models/';

/**
 * Lists of at most this many models (an API key's allow-list) take their models' JSON from what
 * earlier answers kept (ModelJsonCache); longer ones, which would push each other out, are built whole.
 */
export const KEPT_LIST_MAX_IDS = 1000;

/** ~570 bytes a model: some 14,000 models' JSON. */
const MODEL_JSON_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * Whole `/v1/models` answers kept by their versions text: ~13 answers of a 500-model key (~300 KB
 * each), none over 1 MB (a quarter). Counted against the peak RSS target (README, Performance).
 */
const KEPT_ANSWER_BYTES = 4 * 1024 * 1024;

/** The gateway model lists: what the caller may use, in the shape of its client family. */
@Injectable()
export class GatewayService {
  private readonly modelJson = new ModelJsonCache(MODEL_JSON_CACHE_BYTES, KEPT_ANSWER_BYTES);

  constructor(private readonly models: ModelRepository) {}

  list(family: ClientFamily, caller: Caller, query: GatewayQuery): Promise<GatewayModelList | RawJson> {
    // The same filters in every family; a bad one is a 400 in the family's error shape.
    const filters = parseModelFilters(query);
    return CLIENT_FORMATS[family].list(this.listableBy(caller, filters), query);
  }

  /** One model in the family's shape; 404 alike for absent models and ones the caller may not list. */
  async one(family: ClientFamily, caller: Caller, id: string): Promise<GatewayModel> {
    const model = await this.find(family, caller, id);
    if (!model) throw new NotFoundException(`The model '${id}' does not exist or you do not have access to it`);
    return CLIENT_FORMATS[family].one(model);
  }

  /** Gemini clients may send the full name `models/<id>`: tried as an id first, then without the prefix. */
  private async find(family: ClientFamily, caller: Caller, id: string): Promise<ModelSummaryRow | null> {
    const model = await this.models.findListable(caller, id);
    if (model || family !== 'gemini' || !id.startsWith(GEMINI_NAME_PREFIX)) return model;
    return this.models.findListable(caller, id.slice(GEMINI_NAME_PREFIX.length));
  }

  private listableBy(caller: Caller, filters: ModelFilters): ListableModels {
    return {
      list: (query) => this.models.listable(caller, { ...query, filters }),
      json: (query, shape, options) => this.models.listableJson(caller, { ...query, filters }, shape, options),
      find: (id) => this.models.findListable(caller, id),
      modelJson: caller.keyModels !== null && caller.keyModels.length <= KEPT_LIST_MAX_IDS ? this.modelJson : undefined,
    };
  }
}
