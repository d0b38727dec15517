import { BadRequestException, HttpException, Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AccessGrantsService, checkRequestedGrants } from '../../access/access-grants.service';
import type { Caller } from '../../access/caller';
import type { GrantRow } from '../../access/grant-row';
import { describeError } from '../../common/describe-error';
import { execute, queryRows } from '../../common/sql';
import { nowSeconds } from '../../common/time';
import { APP_CONFIG, RuntimeConfig } from '../../config/app-config';
import { recordChanges } from '../history/model-history';
import { applyModelFields, assertMayCreate, assertSameKind, baseModelToCheck, idTakenMessage } from '../model-fields';
import { ModelEntity } from '../model.entity';
import type { ImportItem, ImportResult } from './import-items';
import { NOT_WRITABLE, withWarnings } from './import-items';
import {
  deleteGrantsSql,
  ImportAccessRow,
  importAccessSql,
  insertGrantsSql,
  insertModelsSql,
  readableBaseModelsSql,
  updateModelsSql,
} from './import.sql';

/** The caller's access to an existing model, or undefined when it cannot read it (as if it did not exist). */
export function visibleAccess(row: ImportAccessRow | undefined): ImportAccessRow | undefined {
  return row?.can_read ? row : undefined;
}

/** What one chunk's statements read before anything is written. */
interface ChunkState {
  access: Map<string, ImportAccessRow>;
  current: Map<string, ModelEntity>;
  readableBases: Set<string>;
  currentGrants: Map<string, GrantRow[]>;
}

/** A model of the chunk, checked and merged, with the grant set it is to have (undefined: keep). */
interface PlannedModel {
  item: ImportItem;
  model: ModelEntity;
  grants: GrantRow[] | undefined;
  created: boolean;
}

/**
 * Writes one chunk of prepared import items inside the caller's transaction: reads what the
 * checks need for the whole chunk (access, locked; the models to overwrite; base models;
 * current grants), applies create's and update's rules to each item in memory (model-fields.ts,
 * checkRequestedGrants), then writes with one INSERT, one UPDATE and the grant statements.
 */
@Injectable()
export class ChunkWriter {
  constructor(
    private readonly grants: AccessGrantsService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async write(manager: EntityManager, caller: Caller, chunk: ImportItem[]): Promise<Map<number, ImportResult>> {
    const state = await this.read(manager, caller, chunk);
    const results = new Map<number, ImportResult>();
    const planned: PlannedModel[] = [];
    const now = nowSeconds();
    for (const item of chunk) {
      try {
        const plan = this.plan(caller, item, state, now);
        if ('status' in plan) results.set(item.index, plan);
        else planned.push(plan);
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        results.set(item.index, { id: item.id, status: 'skipped', reason: describeError(error).message });
      }
    }
    const inserted = await this.store(manager, caller, planned, now);
    for (const { item, created } of planned) {
      const taken = created && !inserted.has(item.id);
      results.set(
        item.index,
        taken
          ? { id: item.id, status: 'skipped', reason: idTakenMessage(item.id) }
          : withWarnings({ id: item.id, status: created ? 'created' : 'updated' }, item.warnings),
      );
    }
    return results;
  }

  private async read(manager: EntityManager, caller: Caller, chunk: ImportItem[]): Promise<ChunkState> {
    const ids = chunk.map((item) => item.id);
    const rows = await queryRows<ImportAccessRow>(manager, importAccessSql(caller, ids, { lock: true }));
    const access = new Map(rows.map((row) => [row.id, row]));
    const writable = rows.filter((row) => row.can_read && row.can_write).map((row) => row.id);
    const current = writable.length > 0 ? await manager.findBy(ModelEntity, { id: In(writable) }) : [];
    const baseIds = [...new Set(chunk.map((item) => item.dto.base_model_id).filter((id) => typeof id === 'string'))];
    const bases =
      baseIds.length > 0 ? await queryRows<{ id: string }>(manager, readableBaseModelsSql(caller, baseIds)) : [];
    const regranted = chunk
      .filter((item) => item.grants && visibleAccess(access.get(item.id))?.can_write)
      .map((item) => item.id);
    return {
      access,
      current: new Map(current.map((model) => [model.id, model])),
      readableBases: new Set(bases.map((row) => row.id)),
      currentGrants: await this.grants.grantsOf(regranted, manager),
    };
  }

  /** Create's or update's rules for one item, in memory; a refusal is thrown as the route would answer it. */
  private plan(caller: Caller, item: ImportItem, state: ChunkState, now: number): PlannedModel | ImportResult {
    // An id the caller cannot read is planned as a create: the insert then finds it taken and the
    // item gets create's 409 answer, after create's own checks, so nothing more is learnt of it.
    const access = visibleAccess(state.access.get(item.id));
    if (access && !access.can_write) return { id: item.id, status: 'skipped', reason: NOT_WRITABLE };
    const existing = access ? state.current.get(item.id) : undefined;
    if (access && !existing) throw new Error(`model ${item.id} vanished under its lock`);
    if (!existing && item.dto.name === undefined) return { id: item.id, status: 'skipped', reason: 'Model not found' };
    const model = existing ?? this.newModel(caller, item, now);
    if (existing) assertSameKind(model, item.dto.base_model_id);
    const isNew = existing === undefined;
    applyModelFields(model, item.dto, now);
    const baseModelId = baseModelToCheck(model, item.dto, isNew);
    if (baseModelId !== null && !state.readableBases.has(baseModelId)) {
      throw new BadRequestException(`base_model_id "${baseModelId}" must name a base model you can read`);
    }
    const current = state.currentGrants.get(item.id) ?? [];
    const grants = item.grants ? checkRequestedGrants(item.grants, caller, current, item.warnings) : undefined;
    return { item, model, grants: grants ?? (isNew ? [] : undefined), created: isNew };
  }

  private newModel(caller: Caller, item: ImportItem, now: number): ModelEntity {
    assertMayCreate(caller, item.dto.base_model_id ?? null, this.config.userCanCreateModels);
    return Object.assign(new ModelEntity(), { id: item.id, userId: caller.userId, createdAt: now });
  }

  /** The chunk's writes; answers the ids of the models created (an id taken meanwhile is not). */
  private async store(
    manager: EntityManager,
    caller: Caller,
    planned: PlannedModel[],
    now: number,
  ): Promise<Set<string>> {
    const creates = planned.filter((p) => p.created);
    const updates = planned.filter((p) => !p.created).map((p) => p.model);
    const inserted =
      creates.length > 0
        ? await queryRows<{ id: string }>(
            manager,
            insertModelsSql(
              creates.map((p) => p.model),
              grantRows(creates),
            ),
          )
        : [];
    const createdIds = new Set(inserted.map((row) => row.id));
    if (updates.length > 0) await execute(manager, updateModelsSql(updates));
    const regranted = planned.filter((p) => p.grants && (!p.created || createdIds.has(p.model.id)));
    const replaced = regranted.filter((p) => !p.created).map((p) => p.model.id);
    if (replaced.length > 0) await execute(manager, deleteGrantsSql(replaced));
    const rows = grantRows(regranted);
    if (rows.length > 0) await execute(manager, insertGrantsSql(rows));
    // Last, after every write: the history rows snapshot the models as they are now.
    const updatedIds = updates.map((model) => model.id);
    await recordChanges(manager, { createdIds: [...createdIds], updatedIds, action: 'import', caller, now });
    return createdIds;
  }
}

function grantRows(planned: PlannedModel[]): Array<GrantRow & { model_id: string }> {
  return planned.flatMap((p) => (p.grants ?? []).map((grant) => ({ ...grant, model_id: p.model.id })));
}
