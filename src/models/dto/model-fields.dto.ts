import { applyDecorators } from '@nestjs/common';
import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
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
import { NO_CONTROL_CHARS } from '../../common/text-fields';
import { ENDPOINT_TYPES, EndpointType } from '../model.entity';

/** Letters, digits and / : . - _ only; no whitespace or control characters (docs/resources.md). */
export const MODEL_ID_PATTERN = /^[\p{L}\p{N}/:._-]+$/u;

/*
 * Composite field decorators for the id a new model gets and a model's name (create, clone,
 * update). applyDecorators registers the checks in the order listed, the order class-validator
 * runs them in (stopAtFirstError): the type check first, so a wrong type is reported as such.
 */

/** The id of a new model; `field` names it in the message (id, new_id). */
export const NewModelId = (field: string, description: string): PropertyDecorator =>
  applyDecorators(
    ApiProperty({ description }),
    IsString(),
    Length(1, 256),
    Matches(MODEL_ID_PATTERN, { message: `${field} may contain only letters, digits and / : . - _` }),
  );

/** A model's name: 1–256 printable characters; optional = may be left out (IsOptional). */
export const ModelName = (optional = false, description?: string): PropertyDecorator =>
  applyDecorators(
    optional
      ? ApiPropertyOptional({ minLength: 1, maxLength: 256, ...(description ? { description } : {}) })
      : ApiProperty({ minLength: 1, maxLength: 256 }),
    IsString(),
    Length(1, 256),
    Matches(NO_CONTROL_CHARS, { message: 'name must not contain control characters' }),
    ...(optional ? [IsOptional()] : []),
  );

export class PricingDto {
  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional()
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  input_per_million?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional()
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  output_per_million?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0 })
  @IsOptional()
  @Min(0)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  per_request?: number | null;

  @ApiPropertyOptional({ default: 'USD' })
  @IsOptional()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a 3-letter currency code' })
  @IsString()
  currency?: string;
}

/**
 * Fields this service answers for a model that Open WebUI's pages send back (docs/api.md):
 * accepted so those bodies validate, never read by the services (the owner, timestamps and
 * write access stay the server's). Any other unknown field is still a 400 naming it.
 */
export class ReturnedModelFieldsDto {
  @ApiHideProperty()
  @Allow()
  user_id?: unknown;

  @ApiHideProperty()
  @Allow()
  user?: unknown;

  @ApiHideProperty()
  @Allow()
  write_access?: unknown;

  @ApiHideProperty()
  @Allow()
  created_at?: unknown;

  @ApiHideProperty()
  @Allow()
  updated_at?: unknown;
}

/**
 * The writable fields of a model other than id and name, all optional: shared by create, update
 * and import. class-validator runs a property's decorators bottom-up and stops at the first
 * failure, so the type check sits lowest: a wrong type is reported as such, not as a bad length.
 */
export class ModelFieldsDto extends ReturnedModelFieldsDto {
  @ApiPropertyOptional({ nullable: true, description: 'null = a base model (admins only)' })
  @IsOptional()
  @Length(1, 256)
  @IsString()
  base_model_id?: string | null;

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
  @Length(1, 256)
  @IsString()
  owned_by?: string | null;

  @ApiPropertyOptional({ enum: ENDPOINT_TYPES, isArray: true, nullable: true })
  @IsOptional()
  @IsIn(ENDPOINT_TYPES, { each: true })
  @ArrayUnique()
  @IsArray()
  supported_endpoint_types?: EndpointType[] | null;

  @ApiPropertyOptional({ type: PricingDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @IsObject()
  @Type(() => PricingDto)
  pricing?: PricingDto | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @Min(1)
  @Max(2_000_000_000)
  @IsInt()
  context_length?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @Min(1)
  @Max(2_000_000_000)
  @IsInt()
  max_output_tokens?: number | null;

  @ApiPropertyOptional({ type: [AccessGrantDto] })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(1000)
  @IsArray()
  @Type(() => AccessGrantDto)
  access_grants?: AccessGrantDto[];

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Update: the version the change is based on (a stale one is a 409). Create and import: ignored',
  })
  @IsOptional()
  @Min(1)
  @Max(2_000_000_000)
  @IsInt()
  version?: number;
}

export class ModelIdDto {
  @ApiProperty({ description: 'The model id (may contain /)' })
  @Length(1, 256)
  @IsString()
  id!: string;
}

export class OptionalNameDto {
  @ModelName(true)
  name?: string;
}
