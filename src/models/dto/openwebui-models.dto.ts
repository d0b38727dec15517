import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class BaseModelsQueryDto {
  @ApiPropertyOptional({ description: 'Whole tag, case-insensitive; empty = every base model' })
  @IsOptional()
  @MaxLength(256)
  @IsString()
  tag?: string;
}

/** One entry of Open WebUI's model list (GET /api/models, GET /api/models/base). */
export class OpenWebUiModelDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ['model'] })
  object!: 'model';

  @ApiProperty({ description: 'created_at, unix seconds' })
  created!: number;

  @ApiProperty({ nullable: true, type: String })
  owned_by!: string | null;

  @ApiPropertyOptional({ enum: [true], description: 'Set on custom models' })
  preset?: true;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The model as GET /api/models/model answers it',
  })
  info!: Record<string, unknown>;
}

export class OpenWebUiModelListDto {
  @ApiProperty({ type: [OpenWebUiModelDto] })
  data!: OpenWebUiModelDto[];
}

export class DeletedCountDto {
  @ApiProperty({ description: 'How many custom models were deleted' })
  deleted!: number;
}
