import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { DisplayName } from '../../common/text-fields';
import type { ApiKeyEntity } from '../api-key.entity';

/** class-validator runs a property's decorators bottom-up: the type check sits lowest. */
export class CreateApiKeyDto {
  @DisplayName()
  name!: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A group the caller is in' })
  @IsOptional()
  @IsUUID('all', { message: 'group_id must be a group id (UUID)' })
  group_id?: string | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'Allow-list of model ids; left out or null = no limit, [] = no model',
  })
  @IsOptional()
  @Length(1, 256, { each: true, message: 'models must contain model ids of 1 to 256 characters' })
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  @IsArray()
  models?: string[] | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'unix seconds, in the future' })
  @IsOptional()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  @IsInt()
  expires_at?: number | null;

  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description:
      'No writes with this key (only GET/HEAD). Left out: true with a group_id or models, else false; ' +
      'false with a group_id or models is refused',
  })
  @IsOptional()
  @IsBoolean({ message: 'read_only must be true or false' })
  read_only?: boolean | null;
}

/** A key as listed: the secret is never shown again, only its first characters. */
export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'sk-3f9a' })
  key_prefix!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  group_id!: string | null;

  @ApiProperty({ type: [String], nullable: true })
  models!: string[] | null;

  @ApiProperty({ type: Number, nullable: true, description: 'unix seconds' })
  expires_at!: number | null;

  @ApiProperty({ description: 'Only GET/HEAD requests with this key; always true with a group_id or models' })
  read_only!: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'unix seconds, updated at most once a minute' })
  last_used_at!: number | null;

  @ApiProperty({ description: 'unix seconds' })
  created_at!: number;

  static from(key: ApiKeyEntity): ApiKeyResponseDto {
    return {
      id: key.id,
      name: key.name,
      key_prefix: key.keyPrefix,
      group_id: key.groupId,
      models: key.models,
      expires_at: key.expiresAt,
      read_only: key.readOnly,
      last_used_at: key.lastUsedAt,
      created_at: key.createdAt,
    };
  }
}

/** The answer to creating a key: the only time the secret is shown. */
export class CreatedApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'The secret (sk-…): shown once, store it now' })
  key!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  group_id!: string | null;

  @ApiProperty({ type: [String], nullable: true })
  models!: string[] | null;

  @ApiProperty({ type: Number, nullable: true })
  expires_at!: number | null;

  @ApiProperty({ description: 'Only GET/HEAD requests with this key; always true with a group_id or models' })
  read_only!: boolean;

  @ApiProperty()
  created_at!: number;

  static from(key: ApiKeyEntity, secret: string): CreatedApiKeyResponseDto {
    return {
      id: key.id,
      name: key.name,
      key: secret,
      group_id: key.groupId,
      models: key.models,
      expires_at: key.expiresAt,
      read_only: key.readOnly,
      created_at: key.createdAt,
    };
  }
}
