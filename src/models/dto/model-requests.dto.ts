import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsString, Length, Matches } from 'class-validator';
import { AccessGrantDto } from '../../access/dto/access-grant.dto';
import { MODEL_ID_PATTERN, ModelFieldsDto, ModelIdDto, NO_CONTROL_CHARS } from './model-fields.dto';
import { ValidateNested } from 'class-validator';

export class CreateModelDto extends ModelFieldsDto {
  @ApiProperty({ description: 'API model id: letters, digits, / : . - _ (1–256)' })
  @IsString()
  @Length(1, 256)
  @Matches(MODEL_ID_PATTERN, { message: 'id may contain only letters, digits and / : . - _' })
  id!: string;

  @ApiProperty({ minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_CHARS, { message: 'name must not contain control characters' })
  declare name: string;
}

/** Fields left out keep their value; access_grants left out leaves the grants unchanged. */
export class UpdateModelDto extends IntersectionType(ModelIdDto, ModelFieldsDto) {}

export class UpdateAccessDto extends ModelIdDto {
  @ApiProperty({ type: [AccessGrantDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AccessGrantDto)
  access_grants!: AccessGrantDto[];
}

export class ImportModelsDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Models as exported (server fields ignored)' })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  models!: Record<string, unknown>[];
}
