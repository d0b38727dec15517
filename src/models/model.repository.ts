import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Caller } from '../access/caller';
import { queryRows, Sql, toStatement } from '../common/sql';
import { ReadRouter } from '../database/read-router';
import {
  activeModelsSql,
  baseModelsSql,
  baseTagsSql,
  customModelsSql,
  ListableQuery,
  listableSql,
  listCountSql,
  ListParams,
  listPageRowsSql,
  listPageVersionsSql,
  ListRowVersion,
  listRowsSql,
  MAX_LISTED_OWNERS,
  modelAccessSql,
  ModelAccessRow,
  ModelRow,
  ModelSummaryRow,
  readableModelSql,
  searchOwnersSql,
  tagsSql,
  writableModelsSql,
} from './model-read.sql';

/** A list row whole, with the version its JSON is kept under. */
export type VersionedModelRow = ModelRow & Pick<ListRowVersion, 'row_version'>;

export interface ModelAccess {
  canRead: boolean;
  canWrite: boolean;
  baseModelId: string | null;
}

/**
 * Every read of models, as the given caller may see them; the SQL is in model-read.sql.ts.
 * Rules about what a result means (404, 403) stay with the services.
 */
@Injectable()
export class ModelRepository {
  /** Reads outside a transaction go through the read router (replicas, read-your-writes). */
  constructor(private readonly reads: ReadRouter) {}

  /** The page's rows as ids, row versions and write access (the list takes their JSON kept by version). */
  listPageVersions(caller: Caller, params: ListParams): Promise<ListRowVersion[]> {
    return queryRows<ListRowVersion>(this.reads.reads(), listPageVersionsSql(caller, params));
  }

  /** The page's rows whole, with their versions. */
  listPageRows(caller: Caller, params: ListParams): Promise<VersionedModelRow[]> {
    return queryRows<VersionedModelRow>(this.reads.reads(), listPageRowsSql(caller, params));
  }

  /** The models of `ids` the caller can read, whole, with their versions. */
  listRows(caller: Caller, ids: readonly string[]): Promise<VersionedModelRow[]> {
    return queryRows<VersionedModelRow>(this.reads.reads(), listRowsSql(caller, ids));
  }

  async listCount(caller: Caller, params: ListParams): Promise<number> {
    const [row] = await queryRows<{ total: number }>(this.reads.reads(), listCountSql(caller, params));
    return row.total;
  }

  /** Owners a list search matches, or undefined when there are too many to pass along (the list's statements look them up then). */
  async searchOwners(query: string): Promise<string[] | undefined> {
    const rows = await queryRows<{ id: string }>(this.reads.reads(), searchOwnersSql(query));
    return rows.length > MAX_LISTED_OWNERS ? undefined : rows.map((row) => row.id);
  }

  async findReadable(caller: Caller, id: string): Promise<ModelRow | null> {
    const [row] = await queryRows<ModelRow>(this.reads.reads(), readableModelSql(caller, id));
    return row ?? null;
  }

  baseModels(caller: Caller, options: { tag?: string | null } = {}): Promise<ModelRow[]> {
    return queryRows<ModelRow>(this.reads.reads(), baseModelsSql(caller, options));
  }

  async baseTags(caller: Caller): Promise<string[]> {
    const rows = await queryRows<{ tag: string }>(this.reads.reads(), baseTagsSql(caller));
    return rows.map((row) => row.tag);
  }

  activeModels(caller: Caller): Promise<ModelRow[]> {
    return queryRows<ModelRow>(this.reads.reads(), activeModelsSql(caller));
  }

  customModels(caller: Caller): Promise<ModelRow[]> {
    return queryRows<ModelRow>(this.reads.reads(), customModelsSql(caller));
  }

  findWritable(caller: Caller, ids?: string[]): Promise<ModelRow[]> {
    return queryRows<ModelRow>(this.reads.reads(), writableModelsSql(caller, ids));
  }

  /**
   * What the caller may do with a model, or null when there is no such model. Inside a
   * transaction pass its manager; `lock` holds the row until commit, so concurrent changes to one
   * model apply one after the other.
   */
  async access(
    manager: EntityManager,
    caller: Caller,
    id: string,
    options: { lock: boolean } = { lock: false },
  ): Promise<ModelAccess | null> {
    const [row] = await queryRows<ModelAccessRow>(manager, modelAccessSql(caller, id, options));
    return row ? { canRead: row.can_read, canWrite: row.can_write, baseModelId: row.base_model_id } : null;
  }

  async tags(caller: Caller): Promise<string[]> {
    const rows = await queryRows<{ tag: string }>(this.reads.reads(), tagsSql(caller));
    return rows.map((row) => row.tag);
  }

  /** The gateway's list: models the caller may use, in the order and window asked for. */
  listable(caller: Caller, query: ListableQuery): Promise<ModelSummaryRow[]> {
    return queryRows<ModelSummaryRow>(this.reads.reads(), listableSql(caller, query));
  }

  /**
   * The gateway's list as JSON text in pieces, as UTF-8 bytes converted as each arrives: `shape`
   * turns the list's rows into rows with a text column `body`; `prepared` as ReadRouter.readTexts.
   */
  listableJson(
    caller: Caller,
    query: ListableQuery,
    shape: (rows: Sql) => Sql,
    options: { prepared?: boolean } = {},
  ): Promise<Buffer[]> {
    const { text, values } = toStatement(shape(listableSql(caller, query)));
    return this.reads.readTexts(text, values, options);
  }

  /** One model of the gateway's list, or null when it does not exist or this caller may not list it. */
  async findListable(caller: Caller, id: string): Promise<ModelSummaryRow | null> {
    const [row] = await this.listable(caller, { order: 'id', id });
    return row ?? null;
  }
}
