import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '../access/caller';
import { actorOf, recordAudit } from '../audit/audit';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import type { AuthUser } from '../common/auth-user';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { execute, queryRows, sql } from '../common/sql';
import { nowSeconds } from '../common/time';
import { conflictOnUnique } from '../common/unique-violation';
import { CreateGroupDto, GroupInfoResponseDto, GroupResponseDto, UpdateGroupDto } from './dto/group.dto';
import { GroupEntity } from './group.entity';

/** Names are unique ignoring case (the index is on lower(name)), like emails and usernames. */
const UNIQUE_MESSAGES = { groups_name_lower_key: 'group name already in use' };

interface Members {
  count: number;
  /** null when the caller may not see who is in the group. */
  userIds: string[] | null;
}

@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Admins see every group; anyone else only the groups it belongs to, or with `share` every
   * group (to share with), but members only of its own.
   */
  async list(caller: AuthUser, share = false): Promise<GroupResponseDto[]> {
    const admin = caller.role === 'admin';
    if (!admin && !share && caller.groupIds.length === 0) return [];
    const where = admin || share ? {} : { id: In(caller.groupIds) };
    const groups = await this.groups.find({ where, order: { name: 'ASC', id: 'ASC' } });
    const ids = groups.map((group) => group.id);
    const revealed = admin ? ids : ids.filter((id) => caller.groupIds.includes(id));
    const members = await this.members(this.groups.manager, ids, revealed);
    return groups.map((group) => this.response(group, members));
  }

  /** Any signed-in caller: name, description and size, never who the members are. */
  async info(id: string): Promise<GroupInfoResponseDto> {
    const group = await this.groups.findOneBy({ id });
    if (!group) throw new NotFoundException(`group ${id} not found`);
    const { count } = (await this.members(this.groups.manager, [id], [])).get(id) ?? { count: 0 };
    return { id: group.id, name: group.name, description: group.description, member_count: count };
  }

  /** Admins only (the controller says so): members included. */
  async get(id: string, manager: EntityManager = this.groups.manager): Promise<GroupResponseDto> {
    const group = await manager.findOneBy(GroupEntity, { id });
    if (!group) throw new NotFoundException(`group ${id} not found`);
    return this.response(group, await this.members(manager, [id], [id]));
  }

  async create(caller: Caller, dto: CreateGroupDto): Promise<GroupResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      const now = nowSeconds();
      const group = manager.create(GroupEntity, {
        name: dto.name,
        description: dto.description ?? '',
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(GroupEntity, group).catch((error: unknown) => {
        throw conflictOnUnique(error, UNIQUE_MESSAGES);
      });
      if (dto.user_ids?.length) await this.insertMembers(manager, group.id, dto.user_ids);
      const after = { name: group.name, user_ids: await this.memberIds(manager, group.id) };
      await this.audit(manager, caller, 'group.create', group.id, null, after);
      return this.get(group.id, manager);
    });
  }

  async update(id: string, dto: UpdateGroupDto): Promise<GroupResponseDto> {
    const changes = { name: dto.name, description: dto.description, updatedAt: nowSeconds() };
    const result = await this.groups.update(id, changes).catch((error: unknown) => {
      throw conflictOnUnique(error, UNIQUE_MESSAGES);
    });
    if (!result.affected) throw new NotFoundException(`group ${id} not found`);
    return this.get(id);
  }

  /** Deletes the group, its memberships (FK cascade) and every grant made to it. */
  async remove(caller: Caller, id: string): Promise<DeletedResponseDto> {
    await this.dataSource.transaction(async (manager) => {
      const group = await manager.findOneBy(GroupEntity, { id });
      const before = group && { name: group.name, user_ids: await this.memberIds(manager, id) };
      const result = await manager.delete(GroupEntity, { id });
      if (!result.affected || !before) throw new NotFoundException(`group ${id} not found`);
      await this.audit(manager, caller, 'group.delete', id, before, null);
      await execute(manager, sql`DELETE FROM access_grants WHERE principal_type = 'group' AND principal_id = ${id}`);
    });
    return DeletedResponseDto.of(id);
  }

  /** Adds users; ones already in the group are left as they are. */
  async addMembers(caller: Caller, id: string, userIds: string[]): Promise<GroupResponseDto> {
    return this.changeMembers(caller, id, (manager) => this.insertMembers(manager, id, userIds));
  }

  async removeMember(caller: Caller, id: string, userId: string): Promise<GroupResponseDto> {
    return this.changeMembers(caller, id, (manager) =>
      execute(manager, sql`DELETE FROM group_members WHERE group_id = ${id} AND user_id = ${userId}`),
    );
  }

  /** A membership change with its audit record (the member ids before and after), in one transaction. */
  private async changeMembers(
    caller: Caller,
    id: string,
    change: (manager: EntityManager) => Promise<void>,
  ): Promise<GroupResponseDto> {
    return this.dataSource.transaction(async (manager) => {
      await this.touch(manager, id);
      const before = await this.memberIds(manager, id);
      await change(manager);
      const after = await this.memberIds(manager, id);
      await this.audit(manager, caller, 'group.members', id, { user_ids: before }, { user_ids: after });
      return this.get(id, manager);
    });
  }

  private async memberIds(manager: EntityManager, id: string): Promise<string[]> {
    const rows = await queryRows<{ user_id: string }>(
      manager,
      sql`SELECT user_id::text FROM group_members WHERE group_id = ${id} ORDER BY user_id`,
    );
    return rows.map((row) => row.user_id);
  }

  private audit(
    manager: EntityManager,
    caller: Caller,
    action: string,
    targetId: string,
    before: object | null,
    after: object | null,
  ): Promise<void> {
    return recordAudit(manager, { actor: actorOf(caller), action, targetType: 'group', targetId, before, after });
  }

  /** Bumps updated_at (membership is part of the group), and 404s a missing group. */
  private async touch(manager: EntityManager, id: string): Promise<void> {
    const result = await manager.update(GroupEntity, { id }, { updatedAt: nowSeconds() });
    if (!result.affected) throw new NotFoundException(`group ${id} not found`);
  }

  private async insertMembers(manager: EntityManager, groupId: string, userIds: string[]): Promise<void> {
    const ids = [...new Set(userIds.map((id) => id.toLowerCase()))];
    const rows = await queryRows<{ id: string }>(manager, sql`SELECT id FROM users WHERE id = ANY(${ids}::uuid[])`);
    const known = new Set(rows.map((row) => row.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new BadRequestException(`user_ids: unknown user id ${unknown.join(', ')}`);
    // From users rather than the ids as given: a user deleted meanwhile is skipped, not an FK error.
    await execute(
      manager,
      sql`INSERT INTO group_members (group_id, user_id, created_at)
       SELECT ${groupId}, u.id, ${nowSeconds()} FROM users u WHERE u.id = ANY(${ids}::uuid[])
       ON CONFLICT DO NOTHING`,
    );
  }

  private response(group: GroupEntity, members: Map<string, Members>): GroupResponseDto {
    const { count, userIds } = members.get(group.id) ?? { count: 0, userIds: null };
    return GroupResponseDto.from(group, count, userIds ?? undefined);
  }

  /**
   * Member counts of `groupIds`, and member ids only of `revealed` (ids of the others are never
   * read). Revealed groups without members get an empty list.
   */
  private async members(manager: EntityManager, groupIds: string[], revealed: string[]): Promise<Map<string, Members>> {
    if (groupIds.length === 0) return new Map();
    const rows = await queryRows<{ group_id: string; count: number; user_ids: string[] | null }>(
      manager,
      sql`SELECT group_id, count(*)::int AS count,
              array_agg(user_id::text ORDER BY user_id) FILTER (WHERE group_id = ANY(${revealed}::uuid[])) AS user_ids
       FROM group_members WHERE group_id = ANY(${groupIds}::uuid[]) GROUP BY group_id`,
    );
    const found = new Map(rows.map((row) => [row.group_id, { count: row.count, userIds: row.user_ids }]));
    for (const id of revealed) if (!found.has(id)) found.set(id, { count: 0, userIds: [] });
    return found;
  }
}
