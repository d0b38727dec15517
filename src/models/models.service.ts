import { BadRequestException, ConflictException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AccessGrantsService } from '../access/access-grants.service';
import type { Caller } from '../access/caller';
import { execute, sql } from '../common/sql';
import { nowSeconds } from '../common/time';
import { isUniqueViolation } from '../common/unique-violation';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import type { RestoreModelDto } from './dto/model-history.dto';
import type { CreateModelDto, UpdateAccessDto, UpdateModelDto } from './dto/model-requests.dto';
import type { ModelFieldsDto } from './dto/model-fields.dto';
import { HistoryAction, KEPT_VERSIONS, modelDeletionAuditSql, recordChange, snapshotOf } from './history/model-history';
import { applyModelFields, assertMayCreate, assertSameKind, baseModelToCheck, idTakenMessage } from './model-fields';
import { ModelReader } from './model-reader.service';
import type { ModelResponse } from './model-response';
import { ModelEntity } from './model.entity';
import { ModelRepository } from './model.repository';

function withWarnings<T extends object>(answer: T, warnings: string[]): T & { warnings?: string[] } {
  return warnings.length > 0 ? { ...answer, warnings } : answer;
}

/** Creating, changing and deleting models; each change checks access inside its transaction. */
@Injectable()
export class ModelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reader: ModelReader,
    private readonly repository: ModelRepository,
    private readonly grants: AccessGrantsService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /**
   * A public grant a non-admin may not give is left out and said so in `warnings` (Open WebUI's
   * clone sends the source's grants back): the model is still created.
   */
  async create(
    caller: Caller,
    dto: CreateModelDto,
    action: HistoryAction = 'create',
  ): Promise<ModelResponse & { warnings?: string[] }> {
    assertMayCreate(caller, dto.base_model_id ?? null, this.config.userCanCreateModels);
    const warnings: string[] = [];
    const grants = await this.grants.resolve(dto.access_grants ?? [], caller, [], undefined, warnings);
    try {
      await this.dataSource.transaction(async (manager) => {
        const now = nowSeconds();
        const model = manager.create(ModelEntity, {
          id: dto.id,
          userId: caller.userId,
          createdAt: now,
          isPublic: false,
        });
        await this.applyFields(manager, caller, model, dto, now);
        // insert, not save: save would overwrite an existing model with this id instead of failing (409).
        await manager.insert(ModelEntity, model as QueryDeepPartialEntity<ModelEntity>);
        await this.grants.replace(manager, model.id, grants);
        await recordChange(manager, { modelId: model.id, action, caller, created: true, now });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException(idTakenMessage(dto.id));
      throw error;
    }
    return withWarnings(await this.reader.one(caller, dto.id), warnings);
  }

  /**
   * `warnings` given (import's overwrite): a public grant refused is left out and noted, not a 403.
   * `dto.version` given: the change applies only to that version (409 otherwise, nothing changed).
   */
  async update(
    caller: Caller,
    dto: UpdateModelDto,
    warnings?: string[],
    action: HistoryAction = 'update',
  ): Promise<ModelResponse> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.lockWritable(manager, caller, dto.id, dto.version);
      await this.change(manager, caller, model, dto, { warnings, action });
    });
    return this.reader.one(caller, dto.id);
  }

  async updateAccess(caller: Caller, dto: UpdateAccessDto): Promise<ModelResponse> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.lockWritable(manager, caller, dto.id, dto.version);
      const current = (await this.grants.grantsOf([model.id], manager)).get(model.id);
      const grants = await this.grants.resolve(dto.access_grants, caller, current, manager);
      await this.grants.replace(manager, model.id, grants);
      const now = nowSeconds();
      await manager.update(ModelEntity, { id: model.id }, { updatedAt: now });
      await recordChange(manager, { modelId: model.id, action: 'access', caller, created: false, now });
    });
    return this.reader.one(caller, dto.id);
  }

  async toggle(caller: Caller, id: string, version?: number): Promise<ModelResponse> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.lockWritable(manager, caller, id, version);
      const now = nowSeconds();
      await manager.update(ModelEntity, { id }, { isActive: !model.isActive, updatedAt: now });
      await recordChange(manager, { modelId: id, action: 'toggle', caller, created: false, now });
    });
    return this.reader.one(caller, id);
  }

  /**
   * Makes a kept version's fields and grants current, as a new version. The owner stays; the
   * grants pass an access update's checks (a public grant only by admins), except that grants to
   * users or groups deleted since are left out and said in `warnings`.
   */
  async restore(caller: Caller, dto: RestoreModelDto): Promise<ModelResponse & { warnings?: string[] }> {
    const warnings: string[] = [];
    await this.dataSource.transaction(async (manager) => {
      const model = await this.lockWritable(manager, caller, dto.id);
      const snapshot = await snapshotOf(manager, dto.id, dto.version);
      if (!snapshot) {
        throw new NotFoundException(
          `Version ${dto.version} of this model is not kept (history keeps the last ${KEPT_VERSIONS} versions)`,
        );
      }
      const grants = await this.grants.existingOnly(snapshot.access_grants, manager, warnings);
      await this.change(manager, caller, model, { ...snapshot, access_grants: grants }, { action: 'restore' });
    });
    return withWarnings(await this.reader.one(caller, dto.id), warnings);
  }

  async delete(caller: Caller, id: string): Promise<{ id: string; deleted: true }> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.lockWritable(manager, caller, id);
      if (model.baseModelId === null) {
        const users = await manager.count(ModelEntity, { where: { baseModelId: id } });
        if (users > 0) {
          throw new ConflictException(`Base model "${id}" has ${users} custom models built on it; disable it instead`);
        }
      }
      await execute(manager, modelDeletionAuditSql(caller, sql`models m WHERE m.id = ${id}`));
      await manager.delete(ModelEntity, { id });
    });
    return { id, deleted: true };
  }

  /**
   * Locks the model for this transaction and returns it; 404 when the caller cannot read it
   * (never a hint it exists), 403 when it can read but not write.
   */
  async lockWritable(manager: EntityManager, caller: Caller, id: string, version?: number): Promise<ModelEntity> {
    const access = await this.repository.access(manager, caller, id, { lock: true });
    if (!access?.canRead) throw new NotFoundException('Model not found');
    if (!access.canWrite) throw new ForbiddenException('You do not have write access to this model');
    const model = await manager.findOneByOrFail(ModelEntity, { id });
    // Checked under the row lock: of two writers sending the same version exactly one gets past.
    if (version !== undefined && version !== model.version) {
      throw new ConflictException(
        `The model changed since version ${version}: the current version is ${model.version}; reload it and try again`,
      );
    }
    return model;
  }

  /** Applies fields and grants to a locked model and records the change (update, import, restore). */
  private async change(
    manager: EntityManager,
    caller: Caller,
    model: ModelEntity,
    dto: ModelFieldsDto & { name?: string },
    options: { warnings?: string[]; action: HistoryAction },
  ): Promise<void> {
    assertSameKind(model, dto.base_model_id);
    const current = dto.access_grants ? (await this.grants.grantsOf([model.id], manager)).get(model.id) : undefined;
    const grants = dto.access_grants
      ? await this.grants.resolve(dto.access_grants, caller, current, manager, options.warnings)
      : undefined;
    const now = nowSeconds();
    await this.applyFields(manager, caller, model, dto, now);
    await manager.save(ModelEntity, model);
    if (grants) await this.grants.replace(manager, model.id, grants);
    await recordChange(manager, { modelId: model.id, action: options.action, caller, created: false, now });
  }

  /** Applies the fields the client sent (model-fields.ts) after checking a new or changed base model. */
  private async applyFields(
    manager: EntityManager,
    caller: Caller,
    model: ModelEntity,
    dto: ModelFieldsDto & { name?: string },
    now: number,
  ): Promise<void> {
    const isNew = model.updatedAt === undefined;
    applyModelFields(model, dto, now);
    const baseModelId = baseModelToCheck(model, dto, isNew);
    if (baseModelId !== null) await this.assertBaseModel(manager, caller, baseModelId);
  }

  private async assertBaseModel(manager: EntityManager, caller: Caller, baseModelId: string): Promise<void> {
    const base = await this.repository.access(manager, caller, baseModelId);
    if (!base?.canRead || base.baseModelId !== null) {
      throw new BadRequestException(`base_model_id "${baseModelId}" must name a base model you can read`);
    }
  }
}
