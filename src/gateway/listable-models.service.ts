import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readablePredicate } from '../access/access-rules';
import type { Caller } from '../access/caller';
import { SqlParams } from '../common/sql-params';
import {
  BASE_MODEL_JOIN,
  MODEL_SUMMARY_COLUMNS,
  ModelResponse,
  ModelRow,
  toModelResponse,
} from '../models/model-response';

export interface ListableQuery {
  /** An extra condition over alias m (a keyset cursor, one id). */
  where?: (p: SqlParams) => string;
  /** ORDER BY over alias m; always ends in m.id so pages never overlap. */
  orderBy: string;
  limit?: number;
}

/**
 * What the gateway lists (docs/gateway.md): active models the caller can read, narrowed by its API key.
 * A custom model whose base model is disabled is left out too: it cannot be served either.
 */
@Injectable()
export class ListableModelsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The caller's listable models matching `query.where`, in order, at most `query.limit`. */
  async listableModels(caller: Caller, query: ListableQuery): Promise<ModelResponse[]> {
    const p = new SqlParams();
    // The key's narrowing is part of the readable rule itself.
    const where = ['m.is_active', '(b.id IS NULL OR b.is_active)', readablePredicate(caller, p)];
    if (query.where) where.push(query.where(p));
    const limit = query.limit === undefined ? '' : ` LIMIT ${p.add(query.limit)}`;
    // Gateway answers never show params or grants, so write access is irrelevant here.
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT ${MODEL_SUMMARY_COLUMNS}, FALSE AS write_access FROM models m ${BASE_MODEL_JOIN}
       WHERE ${where.join(' AND ')} ORDER BY ${query.orderBy}${limit}`,
      p.values,
    );
    return rows.map((row) => toModelResponse(row, [], { linkImages: false }));
  }

  /** One listable model, or null when it does not exist or this caller may not list it. */
  async listableModel(caller: Caller, id: string): Promise<ModelResponse | null> {
    const [model] = await this.listableModels(caller, { where: (p) => `m.id = ${p.add(id)}`, orderBy: 'm.id' });
    return model ?? null;
  }
}
