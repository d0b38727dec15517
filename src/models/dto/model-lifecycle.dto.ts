import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { Permission } from '../../access/access-grant.entity';
import type { RequestedPrincipalType } from '../../access/dto/access-grant.dto';
import { ListQuery, ListTag, ListViewOption } from './list-models-query.dto';
import { ModelIdDto, ModelName, NewModelId } from './model-fields.dto';

export class CloneModelDto extends ModelIdDto {
  @NewModelId('new_id', 'Id of the new model: letters, digits, / : . - _ (1–256)')
  new_id!: string;

  @ModelName(true, "The source's name when left out")
  name?: string;
}

export class TransferModelDto extends ModelIdDto {
  @ApiProperty({ format: 'uuid', description: 'The new owner' })
  @Length(1, 64)
  @IsString()
  user_id!: string;
}

export const BULK_ACTIONS = ['share', 'unshare', 'activate', 'deactivate', 'hide', 'unhide', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The list's own filters (GET /api/models/list), or an id list; not both. */
export class BulkFilterDto {
  @ApiPropertyOptional({ type: [String], maxItems: 10_000, description: 'These ids (any model); not with the others' })
  @IsOptional()
  @Length(1, 256, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(10_000)
  @IsArray()
  ids?: string[];

  @ListQuery('As the list: substring of name, id, base model, description or owner', 'filter.query')
  query?: string;

  @ListViewOption()
  view_option?: 'created' | 'shared';

  @ListTag()
  tag?: string;
}

/** A grant to add (share: permission required) or a principal whose grant to remove (unshare: permission ignored). */
export class BulkGrantDto {
  @ApiProperty({ enum: ['user', 'group', 'anyone'] })
  @IsIn(['user', 'group', 'anyone'])
  principal_type!: RequestedPrincipalType;

  @ApiPropertyOptional({ description: 'A user id, a group id, or * with user; ignored for anyone' })
  @ValidateIf((grant: BulkGrantDto) => grant.principal_type !== 'anyone' || grant.principal_id !== undefined)
  @Length(1, 64)
  @IsString()
  principal_id!: string;

  @ApiPropertyOptional({ enum: ['read', 'write'], description: 'Required for share' })
  @IsOptional()
  @IsIn(['read', 'write'])
  permission?: Permission;
}

export class BulkModelsDto {
  @ApiProperty({ type: BulkFilterDto })
  @ValidateNested()
  @Type(() => BulkFilterDto)
  @IsObject()
  @IsDefined({ message: 'filter is required: the list filters ({query, tag, view_option}) or {ids: [...]}' })
  filter!: BulkFilterDto;

  @ApiProperty({ enum: BULK_ACTIONS })
  @IsIn(BULK_ACTIONS)
  action!: BulkAction;

  @ApiPropertyOptional({ type: [BulkGrantDto], maxItems: 1000, description: 'For share and unshare only' })
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => BulkGrantDto)
  @ArrayMaxSize(1000)
  @IsArray()
  grants?: BulkGrantDto[];

  @ApiPropertyOptional({ default: false, description: 'Report what would change; change nothing' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

export class BulkResultDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: ['changed', 'unchanged', 'skipped'], description: 'In a dry run, changed = would change' })
  status!: 'changed' | 'unchanged' | 'skipped';

  @ApiPropertyOptional({ description: 'Why it was skipped: "read only", "not found", or the refusal' })
  reason?: string;
}

export class BulkResponseDto {
  @ApiProperty({ description: 'Models the filter matches that the caller can read' })
  matched!: number;

  @ApiProperty({ type: [BulkResultDto] })
  results!: BulkResultDto[];
}
