import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AccessGrantDto } from '../../access/dto/access-grant.dto';
import { ENDPOINT_TYPES, EndpointType } from '../model.entity';

/** Letters, digits and / : . - _ only; no whitespace or control characters (SPEC §1). */
export const MODEL_ID_PATTERN = /^[\p{L}\p{N}/:._-]+$/u;
/** Display names: anything printable. */
export const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;

export class PricingDto {
  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  input_per_million?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  output_per_million?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  per_request?: number | null;

  @ApiPropertyOptional({ default: 'USD' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{3}$/, { message: 'pricing.currency must be a 3-letter currency code' })
  currency?: string;
}

/** The writable fields of a model, all optional: shared by create, update and import. */
export class ModelFieldsDto {
  @ApiPropertyOptional({ nullable: true, description: 'null = a base model (admins only)' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  base_model_id?: string | null;

  @ApiPropertyOptional({ minLength: 1, maxLength: 256 })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_CONTROL_CHARS, { message: 'name must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '≤ 64 KiB as JSON' })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'description, profile_image_url, capabilities, tags, hidden, …; ≤ 256 KiB as JSON',
  })
  @IsOptional()
  @IsObject()
  meta?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  owned_by?: string | null;

  @ApiPropertyOptional({ enum: ENDPOINT_TYPES, isArray: true, nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ENDPOINT_TYPES, { each: true })
  supported_endpoint_types?: EndpointType[] | null;

  @ApiPropertyOptional({ type: PricingDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => PricingDto)
  pricing?: PricingDto | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  context_length?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000_000_000)
  max_output_tokens?: number | null;

  @ApiPropertyOptional({ type: [AccessGrantDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AccessGrantDto)
  access_grants?: AccessGrantDto[];
}

export class ModelIdDto {
  @ApiProperty({ description: 'The model id (may contain /)' })
  @IsString()
  @Length(1, 256)
  id!: string;
}
