import { Injectable } from '@nestjs/common';
import type { Caller } from '../access/caller';
import type { ListModelsQueryDto } from './dto/list-models-query.dto';
import { parseModelFilters } from './model-filters';
import type { ListParams } from './model-read.sql';
import { ModelReader } from './model-reader.service';
import type { ModelResponse } from './model-response';
import { ModelRepository } from './model.repository';

export function toListParams(dto: ListModelsQueryDto): ListParams {
  return {
    query: dto.query ?? null,
    viewOption: dto.view_option ?? null,
    // An empty tag= is no tag filter, as an empty query= is no search.
    tag: dto.tag?.trim() ? dto.tag : null,
    orderBy: dto.order_by ?? 'created_at',
    direction: dto.direction ?? 'desc',
    page: Math.max(1, dto.page ?? 1),
    filters: parseModelFilters(dto as Record<string, unknown>),
  };
}

/** The read-only collections: the workspace list, tags and the export. */
@Injectable()
export class ModelListService {
  constructor(
    private readonly models: ModelRepository,
    private readonly reader: ModelReader,
  ) {}

  async list(caller: Caller, dto: ListModelsQueryDto): Promise<{ items: ModelResponse[]; total: number }> {
    const params = toListParams(dto);
    if (params.query) params.owners = await this.models.searchOwners(params.query);
    // Two statements on two pool connections: the count is the slower one (it visits every match).
    const [rows, total] = await Promise.all([
      this.models.listPage(caller, params),
      this.models.listCount(caller, params),
    ]);
    return { items: await this.reader.toResponses(rows, { linkImages: true }), total };
  }

  /** Sorted distinct tag names over the custom models the caller can read. */
  tags(caller: Caller): Promise<string[]> {
    return this.models.tags(caller);
  }

  /** Every model the caller can write (or those of `ids` among them), with its grants. */
  async export(caller: Caller, ids?: string[]): Promise<ModelResponse[]> {
    return this.reader.toResponses(await this.models.findWritable(caller, ids), { linkImages: false });
  }
}
