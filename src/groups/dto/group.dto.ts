import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { DisplayName } from '../../common/text-fields';
import type { GroupEntity } from '../group.entity';

const MAX_MEMBERS_PER_REQUEST = 1000;

// class-validator runs a property's decorators bottom-up: the type check sits lowest.

export class GroupMembersDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_MEMBERS_PER_REQUEST })
  @IsUUID('all', { each: true, message: 'user_ids must contain user ids (UUIDs)' })
  @ArrayMaxSize(MAX_MEMBERS_PER_REQUEST)
  @IsArray()
  user_ids!: string[];
}

export class CreateGroupDto {
  @DisplayName()
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @MaxLength(2000)
  @IsString()
  description?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Initial members' })
  @IsOptional()
  @IsUUID('all', { each: true, message: 'user_ids must contain user ids (UUIDs)' })
  @ArrayMaxSize(MAX_MEMBERS_PER_REQUEST)
  @IsArray()
  user_ids?: string[];
}

/** Fields left out keep their value. */
export class UpdateGroupDto {
  @DisplayName(true)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @ValidateIf((_object, value) => value !== undefined)
  @MaxLength(2000)
  @IsString()
  description?: string;
}

/** `true`/`false` as booleans, an empty value as absent; anything else stays, for IsIn to name. */
function parseQueryBoolean(value: unknown): unknown {
  if (value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

export class ListGroupsQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: every group the caller may share with (all groups; members only of its own)',
  })
  @IsOptional()
  @IsIn([true, false], { message: 'share must be true or false' })
  @Transform(({ value }: { value: unknown }) => parseQueryBoolean(value))
  share?: boolean;
}

export class GroupResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Member user ids, sorted; only for admins and the group’s own members',
  })
  user_ids?: string[];

  @ApiProperty({ description: 'How many users are in the group' })
  member_count!: number;

  @ApiProperty({ description: 'unix seconds' })
  created_at!: number;

  @ApiProperty({ description: 'unix seconds' })
  updated_at!: number;

  /** `userIds` undefined: the caller may not see who is in the group, so the key is left out. */
  static from(group: GroupEntity, memberCount: number, userIds?: string[]): GroupResponseDto {
    return {
      id: group.id,
      name: group.name,
      description: group.description,
      ...(userIds && { user_ids: userIds }),
      member_count: memberCount,
      created_at: group.createdAt,
      updated_at: group.updatedAt,
    };
  }
}

/** What anyone may know about a group: group names are not secret, who is in them is. */
export class GroupInfoResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty()
  member_count!: number;
}
