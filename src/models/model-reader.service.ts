import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessGrantsService } from '../access/access-grants.service';
import { readablePredicate, writablePredicate } from '../access/access-rules';
import type { Caller } from '../access/caller';
import { SqlParams } from '../common/sql-params';
import { MODEL_COLUMNS, MODEL_JOINS, ModelResponse, ModelRow, toModelResponse } from './model-response';

export interface ModelAccess {
  canRead: boolean;
  canWrite: boolean;
  baseModelId: string | null;
}

/** Reads models as a given caller sees them; invisible models are indistinguishable from absent ones. */
@Injectable()
export class ModelReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: AccessGrantsService,
  ) {}

  /** Models matching `where` (over alias m) that the caller can read, as responses. */
  async readable(caller: Caller, where: (p: SqlParams) => string, orderBy = 'm.id'): Promise<ModelResponse[]> {
    const p = new SqlParams();
    const condition = where(p);
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT ${MODEL_COLUMNS}, ${writablePredicate(caller, p)} AS write_access
       FROM models m ${MODEL_JOINS}
       WHERE ${condition} AND ${readablePredicate(caller, p)}
       ORDER BY ${orderBy}`,
      p.values,
    );
    return this.toResponses(rows, { linkImages: false });
  }

  /** The model, or 404 when it does not exist or the caller cannot read it. */
  async one(caller: Caller, id: string): Promise<ModelResponse> {
    const [model] = await this.readable(caller, (p) => `m.id = ${p.add(id)}`);
    if (!model) throw new NotFoundException('Model not found');
    return model;
  }

  async toResponses(rows: ModelRow[], options: { linkImages: boolean }): Promise<ModelResponse[]> {
    const grants = await this.grants.grantsOf(rows.filter((row) => row.write_access).map((row) => row.id));
    return rows.map((row) => toModelResponse(row, grants.get(row.id) ?? [], options));
  }

  /**
   * What the caller may do with a model, read inside a transaction; `lock` holds the row until
   * commit so concurrent changes to one model apply one after the other.
   */
  async access(manager: EntityManager, caller: Caller, id: string, lock: boolean): Promise<ModelAccess | null> {
    const p = new SqlParams();
    const idParam = p.add(id);
    const rows: Array<{ can_read: boolean; can_write: boolean; base_model_id: string | null }> = await manager.query(
      `SELECT ${readablePredicate(caller, p)} AS can_read, ${writablePredicate(caller, p)} AS can_write,
              m.base_model_id
       FROM models m WHERE m.id = ${idParam}${lock ? ' FOR UPDATE' : ''}`,
      p.values,
    );
    const row = rows[0];
    return row ? { canRead: row.can_read, canWrite: row.can_write, baseModelId: row.base_model_id } : null;
  }
}
