import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import type { GroupEntity } from '../group.entity';

const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;
const trim = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
const MAX_MEMBERS_PER_REQUEST = 1000;

export class GroupMembersDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_MEMBERS_PER_REQUEST })
  @IsArray()
  @ArrayMaxSize(MAX_MEMBERS_PER_REQUEST)
  @IsUUID('all', { each: true, message: 'user_ids must contain user ids (UUIDs)' })
  user_ids!: string[];
}

export class CreateGroupDto {
  @ApiProperty({ minLength: 1, maxLength: 256 })
  @trim
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_CHARS, { message: 'name must not contain control characters' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Initial members' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MEMBERS_PER_REQUEST)
  @IsUUID('all', { each: true, message: 'user_ids must contain user ids (UUIDs)' })
  user_ids?: string[];
}

/** Fields left out keep their value. */
export class UpdateGroupDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 256 })
  @trim
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_CHARS, { message: 'name must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @MaxLength(2000)
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
