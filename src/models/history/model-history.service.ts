import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../../access/caller';
import { answeredGrants } from '../../access/grant-row';
import type { HistoryItemDto, HistoryPageDto } from '../dto/model-history.dto';
import { ModelRepository } from '../model.repository';
import { historyPage, HistoryRow } from './model-history';

function toItem(row: HistoryRow): HistoryItemDto {
  return {
    version: row.version,
    changed_at: row.changed_at,
    changed_by: row.changed_by === null ? null : { id: row.changed_by, name: row.changed_by_name ?? '' },
    action: row.action,
    snapshot: { ...row.snapshot, access_grants: answeredGrants(row.snapshot.access_grants) },
  };
}

/** A model's kept versions, for its writers (docs/history.md). Restoring one is ModelsService.restore. */
@Injectable()
export class ModelHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ModelRepository,
  ) {}

  /** 404 for a model the caller cannot read, 403 for one it can read but not write, as for update. */
  async page(caller: Caller, id: string, page = 1): Promise<HistoryPageDto> {
    const access = await this.repository.access(this.dataSource.manager, caller, id);
    if (!access?.canRead) throw new NotFoundException('Model not found');
    if (!access.canWrite) {
      throw new ForbiddenException(
        caller.readOnly
          ? 'This API key is read-only: only writers of a model may read its history'
          : 'Only writers of this model may read its history',
      );
    }
    const { rows, total } = await historyPage(this.dataSource.manager, id, Math.max(1, page));
    return { items: rows.map(toItem), total };
  }
}
