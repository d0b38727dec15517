import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { actorOfUser, recordAudit } from '../audit/audit';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { AuthUser } from '../common/auth-user';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { execute, sql } from '../common/sql';
import { nowSeconds } from '../common/time';
import { ApiKeyEntity } from './api-key.entity';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key-secret';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';

/** last_used_at is refreshed at most this often, so a busy key does not write on every request. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

/** What an audit record keeps of a key: never its secret or hash. */
function described(key: ApiKeyEntity): object {
  return {
    user_id: key.userId,
    name: key.name,
    key_prefix: key.keyPrefix,
    group_id: key.groupId,
    models: key.models,
    read_only: key.readOnly,
    expires_at: key.expiresAt,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async list(userId: string): Promise<ApiKeyResponseDto[]> {
    const keys = await this.keys.find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return keys.map((key) => ApiKeyResponseDto.from(key));
  }

  async create(caller: AuthUser, dto: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    const groupId = dto.group_id ? dto.group_id.toLowerCase() : null;
    if (groupId && !caller.groupIds.includes(groupId)) {
      throw new BadRequestException(`group_id: you are not a member of group ${groupId}`);
    }
    const now = nowSeconds();
    if (dto.expires_at != null && dto.expires_at <= now) {
      throw new BadRequestException('expires_at must be in the future (unix seconds)');
    }
    const models = dto.models ? [...new Set(dto.models)] : null;
    const narrowed = groupId !== null || models !== null;
    if (narrowed && dto.read_only === false) {
      throw new BadRequestException('read_only: a key with a group_id or models is always read-only');
    }
    const secret = generateApiKey();
    const key = this.keys.create({
      userId: caller.id,
      name: dto.name,
      keyHash: hashApiKey(secret),
      keyPrefix: displayPrefix(secret),
      groupId,
      models,
      readOnly: narrowed || dto.read_only === true,
      expiresAt: dto.expires_at ?? null,
      lastUsedAt: null,
      createdAt: now,
    });
    await this.keys.manager.transaction(async (manager) => {
      await manager.insert(ApiKeyEntity, key);
      await this.audit(manager, caller, 'api_key.create', key, null, described(key));
    });
    return CreatedApiKeyResponseDto.from(key, secret);
  }

  /** Another user's key is a 404 like a missing one: its existence is not the caller's business. */
  async remove(caller: AuthUser, id: string): Promise<DeletedResponseDto> {
    await this.keys.manager.transaction(async (manager) => {
      const key = await manager.findOneBy(ApiKeyEntity, { id, userId: caller.id });
      if (!key) throw new NotFoundException(`API key ${id} not found`);
      await manager.delete(ApiKeyEntity, { id });
      await this.audit(manager, caller, 'api_key.delete', key, described(key), null);
    });
    return DeletedResponseDto.of(id);
  }

  private audit(
    manager: EntityManager,
    caller: AuthUser,
    action: string,
    key: ApiKeyEntity,
    before: object | null,
    after: object | null,
  ): Promise<void> {
    const event = { actor: actorOfUser(caller), action, targetType: 'api_key' as const, targetId: key.id };
    return recordAudit(manager, { ...event, before, after });
  }

  /**
   * Records a use unless one was recorded within the last minute (checked again in SQL for races);
   * returns the time it asked for, or null when the last use is recent enough to keep.
   */
  async recordUse(id: string, lastUsedAt: number | null): Promise<number | null> {
    const now = nowSeconds();
    if (lastUsedAt !== null && now - lastUsedAt < LAST_USED_RESOLUTION_SECONDS) return null;
    await execute(
      this.keys,
      sql`UPDATE api_keys SET last_used_at = ${now}
       WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at <= ${now - LAST_USED_RESOLUTION_SECONDS})`,
    );
    return now;
  }
}
