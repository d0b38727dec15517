import { Injectable } from '@nestjs/common';
import type { Caller } from '../access/caller';
import { RawJson } from '../common/raw-json';
import type { ListModelsQueryDto } from './dto/list-models-query.dto';
import { parseModelFilters } from './model-filters';
import { listAnswerTail } from './model-list-json';
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

  /**
   * The page and the total as the answer's JSON bytes, from each model's JSON kept by row version
   * (ModelReader.pageJson): the bytes JSON.stringify writes for `{ items, total }`.
   */
  async list(caller: Caller, dto: ListModelsQueryDto): Promise<RawJson> {
    const { items, total } = await this.listParts(caller, toListParams(dto));
    return RawJson.join('{"items":[', items, ',', listAnswerTail(total));
  }

  private async listParts(caller: Caller, params: ListParams): Promise<{ items: Buffer[]; total: number }> {
    // The page and the count on two pool connections. The count is most often the slower one (it
    // visits every match), so the page's writable rows fetch their grants on the page's connection
    // while it runs, instead of after it.
    const page = (owners?: string[]) => this.reader.pageJson(caller, { ...params, owners });
    if (!params.query) {
      const [items, total] = await Promise.all([page(), this.models.listCount(caller, params)]);
      return { items, total };
    }
    // A search first looks up the owners its words match, so the page is planned with them bound
    // (searchOwnersSql). The count does not wait for them: it starts at once with what the lookup
    // finds almost always, no owner, and runs again with the owners when the lookup finds some, so
    // the total is exact either way. Both are off the request's longest path (README, Performance).
    const owners = this.models.searchOwners(params.query);
    const guessed = this.models.listCount(caller, { ...params, owners: [] });
    guessed.catch(() => undefined); // awaited below unless an owner matched; never unhandled
    const [items, total] = await Promise.all([
      owners.then(page),
      owners.then((found) =>
        found?.length === 0 ? guessed : this.models.listCount(caller, { ...params, owners: found }),
      ),
    ]);
    return { items, total };
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
