import { HttpException, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../../access/caller';
import { describeError } from '../../common/describe-error';
import { queryRows } from '../../common/sql';
import { ModelsService } from '../models.service';
import { ImportAccessRow, importAccessSql } from './import.sql';
import { ChunkWriter, visibleAccess } from './import-chunk';
import { ImportItem, ImportResult, NOT_WRITABLE, prepareItems, withWarnings } from './import-items';

export type { ImportResult } from './import-items';

/** Models per transaction: large enough to amortise the round trips, small enough to keep locks short. */
const CHUNK_SIZE = 500;

/**
 * Chunk transactions in flight at once when the chunks cannot see each other's writes: while
 * PostgreSQL writes one chunk, node plans the next and a second backend writes it (README "Import").
 */
const PARALLEL_CHUNKS = 2;

/**
 * Creates or overwrites models in chunks (docs/api.md, Import): items are converted and
 * validated first (import-items.ts), then each chunk is written in one transaction by a few
 * statements for the whole chunk (import-chunk.ts), so each model is whole or absent. A chunk
 * the database refuses is rolled back and its models are imported one by one, each in its own
 * transaction (ModelsService), so one bad model never costs the others.
 */
@Injectable()
export class ModelImportService {
  private readonly logger = new Logger('Import');

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly chunks: ChunkWriter,
  ) {}

  async import(caller: Caller, raw: Record<string, unknown>[]): Promise<{ results: ImportResult[] }> {
    const existing = await this.existingIds(caller, raw);
    const { items, results } = await prepareItems(this.dataSource.manager, raw, existing);
    const chunks: ImportItem[][] = [];
    for (let start = 0; start < items.length; start += CHUNK_SIZE) chunks.push(items.slice(start, start + CHUNK_SIZE));
    const width = independent(items) ? PARALLEL_CHUNKS : 1;
    await inParallel(chunks, width, async (chunk) => {
      for (const [index, result] of await this.importChunk(caller, chunk)) results[index] = result;
    });
    return { results };
  }

  private async existingIds(caller: Caller, raw: Record<string, unknown>[]): Promise<Set<string>> {
    const ids = raw.map((item) => item.id).filter((id): id is string => typeof id === 'string');
    const rows = await queryRows<ImportAccessRow>(this.dataSource, importAccessSql(caller, ids, { lock: false }));
    // Only models the caller can read are validated as updates: an unreadable id is a create's (import-chunk.ts).
    return new Set(rows.filter((row) => visibleAccess(row)).map((row) => row.id));
  }

  private async importChunk(caller: Caller, chunk: ImportItem[]): Promise<Map<number, ImportResult>> {
    try {
      return await this.dataSource.transaction((manager) => this.chunks.write(manager, caller, chunk));
    } catch (error) {
      if (error instanceof HttpException) throw error;
      this.logger.warn(`import chunk of ${chunk.length} refused (${describeError(error).message}): one by one`);
      const results = new Map<number, ImportResult>();
      for (const item of chunk) results.set(item.index, await this.importOne(caller, item));
      return results;
    }
  }

  /** One model in its own transaction, through the same service as create and update. */
  private async importOne(caller: Caller, item: ImportItem): Promise<ImportResult> {
    const { id } = item;
    const dto = { ...item.dto, access_grants: item.grants };
    const warnings = [...item.warnings];
    try {
      const [found] = await queryRows<ImportAccessRow>(this.dataSource, importAccessSql(caller, [id], { lock: false }));
      const row = visibleAccess(found);
      if (row && !row.can_write) return { id, status: 'skipped', reason: NOT_WRITABLE };
      if (row) {
        await this.models.update(caller, { ...dto, id }, warnings, 'import');
        return withWarnings({ id, status: 'updated' }, warnings);
      }
      // Checked as an update, then deleted meanwhile: nothing to overwrite, and no name to create it with.
      if (dto.name === undefined) return { id, status: 'skipped', reason: 'Model not found' };
      const created = await this.models.create(caller, { ...dto, id, name: dto.name }, 'import');
      return withWarnings({ id, status: 'created' }, [...warnings, ...(created.warnings ?? [])]);
    } catch (error) {
      if (error instanceof HttpException) return { id, status: 'skipped', reason: describeError(error).message };
      throw error;
    }
  }
}

/**
 * Whether the items' chunks may be written at once: no id repeats and no item builds on a model
 * of the request, so no chunk's checks depend on another chunk's writes (in order, a later chunk
 * would see an earlier one's models as existing or as readable bases).
 */
function independent(items: ImportItem[]): boolean {
  const ids = new Set(items.map((item) => item.id));
  return ids.size === items.length && !items.some((item) => item.dto.base_model_id && ids.has(item.dto.base_model_id));
}

/**
 * `work` on every element, at most `width` at a time, started in order; after a failure no new
 * element starts (as in a loop) and the first failure is thrown once those running have ended.
 */
async function inParallel<T>(elements: T[], width: number, work: (element: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < elements.length) {
      try {
        await work(elements[next++]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(width, elements.length) }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}
