import { ApiHideProperty, ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { AccessGrantDto } from '../../access/dto/access-grant.dto';
import {
  ModelFieldsDto,
  ModelIdDto,
  ModelName,
  NewModelId,
  OptionalNameDto,
  ReturnedModelFieldsDto,
} from './model-fields.dto';

export class CreateModelDto extends ModelFieldsDto {
  @NewModelId('id', 'API model id: letters, digits, / : . - _ (1–256)')
  id!: string;

  @ModelName()
  name!: string;
}

/** Fields left out keep their value; access_grants left out leaves the grants unchanged. */
export class UpdateModelDto extends IntersectionType(ModelIdDto, ModelFieldsDto, OptionalNameDto) {}

/** Open WebUI sends the model's name along (and may send back what it read): accepted, ignored. */
export class UpdateAccessDto extends IntersectionType(ModelIdDto, ReturnedModelFieldsDto) {
  @ApiHideProperty()
  @Allow()
  name?: unknown;

  @ApiProperty({ type: [AccessGrantDto] })
  @ValidateNested({ each: true })
  @ArrayMaxSize(1000)
  @IsArray()
  @Type(() => AccessGrantDto)
  access_grants!: AccessGrantDto[];

  @ApiPropertyOptional({ minimum: 1, description: 'The version the change is based on; a stale one is a 409' })
  @IsOptional()
  @Min(1)
  @Max(2_000_000_000)
  @IsInt()
  version?: number;
}

export class ImportModelsDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    maxItems: 10000,
    description: 'Models as exported, by this service or by Open WebUI 0.6–0.11 (server fields ignored)',
  })
  @IsObject({ each: true })
  @ArrayMaxSize(10000)
  @IsArray()
  models!: Record<string, unknown>[];
}
