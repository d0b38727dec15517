import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import { queryRows, sql } from '../common/sql';
import { modelDeletionAuditSql } from './history/model-history';
import { ModelReader } from './model-reader.service';
import type { ModelResponse } from './model-response';
import { ModelRepository } from './model.repository';

/** A model as Open WebUI's model list carries it (its `getModels`): the registry's model under `info`. */
export interface OpenWebUiModel {
  id: string;
  name: string;
  object: 'model';
  created: number;
  owned_by: string | null;
  /** Custom models: Open WebUI shows them as workspace presets over their base model. */
  preset?: true;
  info: ModelResponse;
}

function toOpenWebUiModel(model: ModelResponse): OpenWebUiModel {
  return {
    id: model.id,
    name: model.name,
    object: 'model',
    created: model.created_at,
    owned_by: model.owned_by,
    ...(model.base_model_id !== null ? { preset: true as const } : {}),
    info: model,
  };
}

/** The routes Open WebUI's pages and admin settings call besides the workspace ones (docs/api.md). */
@Injectable()
export class OpenWebUiModelsService {
  private readonly logger = new Logger('Models');

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelRepository,
    private readonly reader: ModelReader,
  ) {}

  /** GET /api/models: active models the caller can read, base and custom. */
  async active(caller: Caller): Promise<{ data: OpenWebUiModel[] }> {
    const rows = await this.models.activeModels(caller);
    return { data: (await this.reader.toResponses(rows, { linkImages: true })).map(toOpenWebUiModel) };
  }

  /** The base models the caller can build on, as model answers (GET /api/v1/models/base). */
  async base(caller: Caller, tag?: string | null): Promise<ModelResponse[]> {
    return this.reader.toResponses(await this.models.baseModels(caller, { tag }), { linkImages: false });
  }

  /** GET /api/models/base: the same models in Open WebUI's list shape. */
  async baseList(caller: Caller): Promise<{ data: OpenWebUiModel[] }> {
    return { data: (await this.base(caller)).map(toOpenWebUiModel) };
  }

  baseTags(caller: Caller): Promise<string[]> {
    return this.models.baseTags(caller);
  }

  /** Every custom model (admins). */
  async all(caller: Caller): Promise<ModelResponse[]> {
    return this.reader.toResponses(await this.models.customModels(caller), { linkImages: false });
  }

  /**
   * Deletes every custom model (admins); base models stay. Each deleted model gets its audit
   * record (the model whole, as before) in the deleting statement itself, and a log line.
   */
  async deleteAll(caller: Caller): Promise<{ deleted: number }> {
    // One statement: the records are written from exactly the rows deleted, and commit with them.
    // (Grants go by ON DELETE CASCADE after the statement, so the snapshots still see them.)
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      sql`WITH gone AS (DELETE FROM models WHERE base_model_id IS NOT NULL RETURNING *),
        logged AS (${modelDeletionAuditSql(caller, sql`gone m`)})
        SELECT id FROM gone ORDER BY id`,
    );
    const ids = rows.map((row) => row.id);
    for (const id of ids) this.logger.log(`model "${id}" deleted by ${caller.userId} (delete/all)`);
    return { deleted: ids.length };
  }
}
