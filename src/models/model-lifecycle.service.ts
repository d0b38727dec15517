import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessGrantsService } from '../access/access-grants.service';
import type { Caller } from '../access/caller';
import type { GrantRow } from '../access/grant-row';
import { queryRows, sql } from '../common/sql';
import { nowSeconds } from '../common/time';
import { isUuid } from '../common/uuid';
import type { CreateModelDto } from './dto/model-requests.dto';
import type { CloneModelDto, TransferModelDto } from './dto/model-lifecycle.dto';
import { recordChange } from './history/model-history';
import { ModelReader } from './model-reader.service';
import type { ModelResponse } from './model-response';
import { ModelEntity } from './model.entity';
import { ModelRepository } from './model.repository';
import { ModelsService } from './models.service';

/** Clone and transfer (docs/access.md, Clone and transfer): neither opens a way around the admin-only rules. */
@Injectable()
export class ModelLifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    private readonly repository: ModelRepository,
    private readonly reader: ModelReader,
    private readonly grants: AccessGrantsService,
  ) {}

  /**
   * A new private model of the caller's, made by the create route itself (its 403 for callers who
   * may not create models, its base-model check and its 409), holding what the caller can see of
   * the source: a reader's copy has no params, and no copy has the source's grants. Its history
   * starts with a `create`, as for any new model.
   */
  async clone(caller: Caller, dto: CloneModelDto): Promise<ModelResponse & { warnings?: string[] }> {
    const seen = await this.repository.findReadable(caller, dto.id);
    if (!seen) throw new NotFoundException('Model not found');
    if (seen.base_model_id === null) {
      throw new BadRequestException(`Only custom models can be cloned: "${dto.id}" is a base model`);
    }
    // Its own values, not those inherited from the base model, so the copy keeps inheriting.
    const source = await this.dataSource.manager.findOneBy(ModelEntity, { id: dto.id });
    if (!source) throw new NotFoundException('Model not found');
    const copy: CreateModelDto = {
      id: dto.new_id,
      name: dto.name ?? source.name,
      base_model_id: source.baseModelId,
      params: seen.write_access ? source.params : {},
      meta: source.meta,
      is_active: source.isActive,
      owned_by: source.ownedBy,
      supported_endpoint_types: source.supportedEndpointTypes ?? undefined,
      pricing: source.pricing,
      context_length: source.contextLength,
      max_output_tokens: source.maxOutputTokens,
    };
    return this.models.create(caller, copy);
  }

  /**
   * The owner or an admin (who must be able to write it) gives a custom model to an existing
   * user; the old owner keeps a write grant. Grants are otherwise kept as they are: nothing is
   * widened, so no public grant appears that an admin did not give.
   */
  async transfer(caller: Caller, dto: TransferModelDto): Promise<ModelResponse> {
    await this.dataSource.transaction(async (manager) => {
      const model = await this.models.lockWritable(manager, caller, dto.id);
      if (model.baseModelId === null) {
        throw new BadRequestException(`Only custom models can be transferred: "${dto.id}" is a base model`);
      }
      if (!caller.isAdmin && model.userId !== caller.userId) {
        throw new ForbiddenException("Only the model's owner or an admin may transfer it");
      }
      await this.assertUserExists(manager, dto.user_id);
      const newOwner = dto.user_id.toLowerCase();
      if (model.userId === newOwner) return;
      if (model.userId !== null) {
        const current = (await this.grants.grantsOf([model.id], manager)).get(model.id) ?? [];
        await this.grants.replace(manager, model.id, keepWriteFor(model.userId, current));
      }
      const now = nowSeconds();
      await manager.update(ModelEntity, { id: model.id }, { userId: newOwner, updatedAt: now });
      await recordChange(manager, { modelId: model.id, action: 'transfer', caller, created: false, now });
    });
    return this.reader.one(caller, dto.id);
  }

  private async assertUserExists(manager: EntityManager, userId: string): Promise<void> {
    const [row] = isUuid(userId)
      ? await queryRows<{ id: string }>(manager, sql`SELECT id FROM users WHERE id = ${userId}::uuid`)
      : [];
    if (!row) throw new BadRequestException(`user_id: no user with id "${userId}"`);
  }
}

/** The grants with the old owner's own grant raised (or added) to write. */
function keepWriteFor(oldOwner: string, grants: GrantRow[]): GrantRow[] {
  const others = grants.filter((g) => !(g.principal_type === 'user' && g.principal_id === oldOwner));
  return [...others, { principal_type: 'user', principal_id: oldOwner, permission: 'write' }];
}
