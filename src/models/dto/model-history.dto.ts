import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsInt, IsOptional, Max, Min } from 'class-validator';
import { AccessGrantDto } from '../../access/dto/access-grant.dto';
import { ToInteger } from '../../common/query-number';
import { HISTORY_ACTIONS, type HistoryAction } from '../history/model-history';
import { ENDPOINT_TYPES, EndpointType } from '../model.entity';
import { ModelIdQueryDto } from './list-models-query.dto';
import { ModelIdDto } from './model-fields.dto';
import { ModelPricingDto } from './model-response.dto';

const VERSION = { minimum: 1, description: 'The model version the change is based on; a stale one is a 409' };

/** `?version=` on toggle: the version the caller read (optional; a stale one is a 409). */
export class ToggleQueryDto extends ModelIdQueryDto {
  @ApiPropertyOptional(VERSION)
  @IsOptional()
  @ToInteger()
  @Min(1)
  @Max(2_000_000_000)
  @IsInt()
  version?: number;
}

export class HistoryQueryDto extends ModelIdQueryDto {
  @ApiPropertyOptional({ description: '1-based; 30 versions a page, newest first; values below 1 count as 1' })
  @IsOptional()
  @ToInteger()
  @Max(1_000_000_000)
  @IsInt()
  page?: number;
}

export class RestoreModelDto extends ModelIdDto {
  @ApiProperty({ minimum: 1, description: 'The kept version whose fields and grants become current' })
  @IsDefined({ message: 'version is required: the version to restore' })
  @Min(1)
  @Max(2_000_000_000)
  @IsInt()
  version!: number;
}

/** A model as one version left it: stored values, so null means "inherited from the base model". */
export class ModelSnapshotDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The owner then' })
  user_id!: string | null;

  @ApiProperty({ type: String, nullable: true })
  base_model_id!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  params!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  meta!: Record<string, unknown>;

  @ApiProperty()
  is_active!: boolean;

  @ApiProperty({ type: String, nullable: true })
  owned_by!: string | null;

  @ApiProperty({ enum: ENDPOINT_TYPES, isArray: true, nullable: true })
  supported_endpoint_types!: EndpointType[] | null;

  @ApiProperty({ type: ModelPricingDto, nullable: true })
  pricing!: ModelPricingDto | null;

  @ApiProperty({ type: Number, nullable: true })
  context_length!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  max_output_tokens!: number | null;

  @ApiProperty({ type: [AccessGrantDto], description: 'As answers list them: a write grant is read + write' })
  access_grants!: AccessGrantDto[];
}

export class ChangedByDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The name the user had when making the change' })
  name!: string;
}

export class HistoryItemDto {
  @ApiProperty({ minimum: 1 })
  version!: number;

  @ApiProperty({ description: 'unix seconds' })
  changed_at!: number;

  @ApiProperty({ type: ChangedByDto, nullable: true, description: 'null: the system, or before history was kept' })
  changed_by!: ChangedByDto | null;

  @ApiProperty({ enum: HISTORY_ACTIONS })
  action!: HistoryAction;

  @ApiProperty({ type: ModelSnapshotDto })
  snapshot!: ModelSnapshotDto;
}

export class HistoryPageDto {
  @ApiProperty({ type: [HistoryItemDto], description: '30 a page, newest first' })
  items!: HistoryItemDto[];

  @ApiProperty({ description: 'Versions kept (at most the last 20)' })
  total!: number;
}
