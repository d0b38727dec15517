import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readablePredicate, writablePredicate } from '../access/access-rules';
import type { Caller } from '../access/caller';
import { SqlParams } from '../common/sql-params';
import type { ListModelsQueryDto } from './dto/list-models-query.dto';
import { ListParams, listCountSql, listPageSql } from './model-list.query';
import { ModelReader } from './model-reader.service';
import type { ModelResponse, ModelRow } from './model-response';

export function toListParams(dto: ListModelsQueryDto): ListParams {
  return {
    query: dto.query ?? null,
    viewOption: dto.view_option ?? null,
    // An empty tag= is no tag filter, as an empty query= is no search.
    tag: dto.tag?.trim() ? dto.tag : null,
    orderBy: dto.order_by ?? 'created_at',
    direction: dto.direction ?? 'desc',
    page: Math.max(1, dto.page ?? 1),
  };
}

/** The read-only collections: the workspace list, tags, base models and the export. */
@Injectable()
export class ModelListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reader: ModelReader,
  ) {}

  async list(caller: Caller, dto: ListModelsQueryDto): Promise<{ items: ModelResponse[]; total: number }> {
    const params = toListParams(dto);
    const page = listPageSql(caller, params);
    const count = listCountSql(caller, params);
    // Two statements on two pool connections: the count is the slower one (it visits every match).
    const [rows, counted] = await Promise.all([
      this.dataSource.query<ModelRow[]>(page.text, page.values),
      this.dataSource.query<Array<{ total: number }>>(count.text, count.values),
    ]);
    return { items: await this.reader.toResponses(rows, { linkImages: true }), total: counted[0].total };
  }

  /** Sorted distinct tag names over the custom models the caller can read. */
  async tags(caller: Caller): Promise<string[]> {
    const p = new SqlParams();
    const rows: Array<{ tag: string }> = await this.dataSource.query(
      `SELECT DISTINCT t.tag COLLATE "C" AS tag FROM models m, unnest(m.tags) AS t(tag)
       WHERE m.base_model_id IS NOT NULL AND ${readablePredicate(caller, p)}
       ORDER BY 1`,
      p.values,
    );
    return rows.map((row) => row.tag);
  }

  baseModels(caller: Caller): Promise<ModelResponse[]> {
    return this.reader.readable(caller, () => 'm.base_model_id IS NULL');
  }

  /** Every model the caller can write, with its grants. */
  export(caller: Caller): Promise<ModelResponse[]> {
    return this.reader.readable(caller, (p) => writablePredicate(caller, p));
  }
}
