import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
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

export class GroupResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: [String], description: 'Member user ids, sorted' })
  user_ids!: string[];

  @ApiProperty({ description: 'unix seconds' })
  created_at!: number;

  @ApiProperty({ description: 'unix seconds' })
  updated_at!: number;

  static from(group: GroupEntity, userIds: string[]): GroupResponseDto {
    return {
      id: group.id,
      name: group.name,
      description: group.description,
      user_ids: userIds,
      created_at: group.createdAt,
      updated_at: group.updatedAt,
    };
  }
}
