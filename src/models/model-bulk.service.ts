import { BadRequestException, ConflictException, HttpException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessGrantsService, mergeByPrincipal } from '../access/access-grants.service';
import type { Caller } from '../access/caller';
import type { GrantRow } from '../access/grant-row';
import { execute, queryRows, Sql, sql } from '../common/sql';
import { nowSeconds } from '../common/time';
import type { BulkAction, BulkGrantDto, BulkModelsDto, BulkResultDto } from './dto/model-lifecycle.dto';
import {
  BulkCandidateRow,
  bulkCandidatesSql,
  BulkFilter,
  flagChangeSql,
  lockedCandidateSql,
  wouldChangeSql,
} from './model-bulk.sql';
import { HistoryAction, modelDeletionAuditSql, recordChange } from './history/model-history';
import { ModelEntity } from './model.entity';

/** At most this many models change in one call (docs/api.md, Bulk changes). */
export const BULK_LIMIT = 1000;

interface BulkPlan {
  action: BulkAction;
  grants: GrantRow[];
  wouldChange: Sql;
}

/** The history action of each bulk action: what the single-model route doing the same records. */
const HISTORY_ACTION: Record<Exclude<BulkAction, 'delete'>, HistoryAction> = {
  share: 'access',
  unshare: 'access',
  activate: 'toggle',
  deactivate: 'toggle',
  hide: 'update',
  unhide: 'update',
};

const skipped = (id: string, reason: string): BulkResultDto => ({ id, status: 'skipped', reason });

/**
 * POST /api/models/bulk (docs/api.md, Bulk changes): one statement finds what the filter matches
 * and what would change; then each model changes in its own transaction, its row locked and its
 * access checked again, so each changes whole or not at all and a model the caller lost meanwhile
 * is skipped.
 */
@Injectable()
export class ModelBulkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: AccessGrantsService,
  ) {}

  async run(caller: Caller, dto: BulkModelsDto): Promise<{ matched: number; results: BulkResultDto[] }> {
    const filter = bulkFilter(dto);
    const plan = await this.plan(caller, dto);
    const rows = await queryRows<BulkCandidateRow>(
      this.dataSource,
      bulkCandidatesSql(caller, filter, plan.wouldChange),
    );
    const toChange = rows.filter((row) => row.can_write && row.would_change).length;
    if (toChange > BULK_LIMIT) {
      throw new BadRequestException(
        `This would change ${toChange} models; at most ${BULK_LIMIT} a call: narrow the filter or send ids in batches`,
      );
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    const ids = 'ids' in filter ? [...new Set(filter.ids)] : rows.map((row) => row.id);
    const results: BulkResultDto[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      // An id the caller cannot read is reported exactly like a missing one.
      if (!row) results.push(skipped(id, 'not found'));
      else if (!row.can_write) results.push(skipped(id, 'read only'));
      else if (!row.would_change) results.push({ id, status: 'unchanged' });
      else results.push(dto.dry_run ? { id, status: 'changed' } : await this.changeOne(caller, id, plan));
    }
    return { matched: rows.length, results };
  }

  /** Checks the action's grants once: principals must exist (400), a public share needs an admin (403). */
  private async plan(caller: Caller, dto: BulkModelsDto): Promise<BulkPlan> {
    const sharing = dto.action === 'share' || dto.action === 'unshare';
    if (!sharing && dto.grants !== undefined)
      throw new BadRequestException('grants: only share and unshare take grants');
    if (sharing && (dto.grants === undefined || dto.grants.length === 0)) {
      throw new BadRequestException(`grants: ${dto.action} needs at least one grant`);
    }
    const grants = sharing ? await this.resolveGrants(caller, dto.action, dto.grants!) : [];
    return { action: dto.action, grants, wouldChange: wouldChangeSql(dto.action, grants) };
  }

  private resolveGrants(caller: Caller, action: BulkAction, requested: BulkGrantDto[]): Promise<GrantRow[]> {
    const missing = requested.findIndex((grant) => grant.permission === undefined);
    if (action === 'share' && missing >= 0) {
      throw new BadRequestException(`grants.${missing}.permission: share needs read or write`);
    }
    const grants = requested.map((grant) => ({ ...grant, permission: grant.permission ?? 'read' }));
    // Removing a public grant is for any writer (as on access update); only adding one is the admins'.
    if (action === 'unshare') return Promise.resolve(mergeByPrincipal(grants));
    return this.grants.resolve(grants, caller);
  }

  private async changeOne(caller: Caller, id: string, plan: BulkPlan): Promise<BulkResultDto> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [row] = await queryRows<BulkCandidateRow & { can_read: boolean; base_model_id: string | null }>(
          manager,
          lockedCandidateSql(caller, id, plan.wouldChange),
        );
        if (!row?.can_read) return skipped(id, 'not found');
        if (!row.can_write) return skipped(id, 'read only');
        if (!row.would_change) return { id, status: 'unchanged' as const };
        await this.apply(manager, caller, id, row.base_model_id, plan);
        return { id, status: 'changed' as const };
      });
    } catch (error) {
      // A refusal of this model alone (e.g. a base model in use); the others go on.
      if (error instanceof HttpException) return skipped(id, error.message);
      throw error;
    }
  }

  /** Applies the action to one locked model and records it in its history, as the single-model route would. */
  private async apply(
    manager: EntityManager,
    caller: Caller,
    id: string,
    baseModelId: string | null,
    plan: BulkPlan,
  ): Promise<void> {
    if (plan.action === 'delete') return this.delete(manager, caller, id, baseModelId);
    const now = nowSeconds();
    if (plan.action === 'share' || plan.action === 'unshare') {
      const current = (await this.grants.grantsOf([id], manager)).get(id) ?? [];
      const next = plan.action === 'share' ? raise(current, plan.grants) : remove(current, plan.grants);
      await this.grants.replace(manager, id, next);
      await manager.update(ModelEntity, { id }, { updatedAt: now });
    } else {
      await execute(manager, flagChangeSql(plan.action, id, now));
    }
    await recordChange(manager, { modelId: id, action: HISTORY_ACTION[plan.action], caller, created: false, now });
  }

  /** As the delete route (audited the same way): a base model that custom models use stays (skipped, with the count). */
  private async delete(manager: EntityManager, caller: Caller, id: string, baseModelId: string | null): Promise<void> {
    if (baseModelId === null) {
      const users = await manager.count(ModelEntity, { where: { baseModelId: id } });
      if (users > 0) {
        throw new ConflictException(`Base model "${id}" has ${users} custom models built on it; disable it instead`);
      }
    }
    await execute(manager, modelDeletionAuditSql(caller, sql`models m WHERE m.id = ${id}`));
    await manager.delete(ModelEntity, { id });
  }
}

function bulkFilter(dto: BulkModelsDto): BulkFilter {
  const { ids, query, tag, view_option } = dto.filter;
  if (ids !== undefined) {
    if (query !== undefined || tag !== undefined || view_option !== undefined) {
      throw new BadRequestException(
        "filter: send either ids or the list's filters (query, tag, view_option), not both",
      );
    }
    return { ids };
  }
  return { query: query ?? null, tag: tag ?? null, viewOption: view_option ?? null };
}

const key = (g: GrantRow) => `${g.principal_type}:${g.principal_id}`;

/** The current grants with each asked-for grant added, or raised to write. */
function raise(current: GrantRow[], asked: GrantRow[]): GrantRow[] {
  const merged = new Map(current.map((g) => [key(g), g]));
  for (const grant of asked) {
    const seen = merged.get(key(grant));
    if (!seen || (seen.permission === 'read' && grant.permission === 'write')) merged.set(key(grant), grant);
  }
  return [...merged.values()];
}

function remove(current: GrantRow[], named: GrantRow[]): GrantRow[] {
  const gone = new Set(named.map(key));
  return current.filter((g) => !gone.has(key(g)));
}
