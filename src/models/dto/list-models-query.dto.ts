import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
} from 'class-validator';
import { ToInteger } from '../../common/query-number';
import { ENDPOINT_TYPES } from '../model.entity';
import { NO_CONTROL_CHARS } from '../../common/text-fields';

export const ORDER_BY = ['name', 'created_at', 'updated_at'] as const;
export type OrderBy = (typeof ORDER_BY)[number];

/*
 * The list's filters as composite decorators, shared with the bulk route's filter (model-lifecycle).
 * applyDecorators registers the checks in the order listed, the order class-validator runs them in
 * (stopAtFirstError): the type check first.
 */

/** Substring filter, printable, ≤ 500 characters; `field` names it in the message. */
export const ListQuery = (description: string, field = 'query'): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description }),
    IsString(),
    MaxLength(500),
    Matches(NO_CONTROL_CHARS, { message: `${field} must not contain control characters` }),
    IsOptional(),
  );

export const ListViewOption = (): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ enum: ['created', 'shared'] }), IsIn(['created', 'shared']), IsOptional());

export const ListTag = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: 'Whole tag, case-insensitive' }),
    IsString(),
    MaxLength(256),
    IsOptional(),
  );

export class ListModelsQueryDto {
  @ListQuery('Case-insensitive substring of name, id, base model, description or owner')
  query?: string;

  @ListViewOption()
  view_option?: 'created' | 'shared';

  @ListTag()
  tag?: string;

  @ApiPropertyOptional({ enum: ORDER_BY, default: 'created_at' })
  @IsOptional()
  @IsIn(ORDER_BY)
  order_by?: OrderBy;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: '1-based; 30 items a page; values below 1 count as 1' })
  @IsOptional()
  @ToInteger()
  @Max(1_000_000_000)
  @IsInt() // checked first (decorators apply bottom-up): "abc" is not an integer, not "too large"
  page?: number;

  // The content filters are read and checked by parseModelFilters (model-filters.ts), the same
  // code the gateway lists use; here they are only declared (for the whitelist and OpenAPI).
  @ApiPropertyOptional({
    enum: ENDPOINT_TYPES,
    isArray: true,
    description: 'Models serving any of these endpoint types (inherited ones included); repeatable',
  })
  @IsOptional()
  endpoint_type?: unknown;

  @ApiPropertyOptional({ type: [String], description: 'Models whose owned_by (as shown) is any of these; repeatable' })
  @IsOptional()
  owned_by?: unknown;

  @ApiPropertyOptional({
    type: [String],
    description: 'Models whose meta.capabilities has this key set to true; repeatable: all must hold',
  })
  @IsOptional()
  capability?: unknown;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'Models whose context length (as shown) is at least this',
  })
  @IsOptional()
  min_context_length?: unknown;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    description:
      "Models whose pricing.input_per_million (as shown, in the model's own currency) is at most this; unpriced models are left out",
  })
  @IsOptional()
  max_input_price?: unknown;
}

export class ModelIdQueryDto {
  @ApiProperty({ description: 'The model id (may contain /)' })
  @IsDefined({ message: 'id is required: send the model id in the query, ?id=<model id>' })
  @IsString()
  @Length(1, 256)
  id!: string;
}

/** Open WebUI's pages add `lang` to the image URL; it is accepted and ignored (docs/api.md). */
export class ModelImageQueryDto extends ModelIdQueryDto {
  @ApiPropertyOptional({ description: "Ignored (Open WebUI's pages send their language)", maxLength: 64 })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  lang?: string;
}

/**
 * Open WebUI's exportModels sends `?ids=a&ids=b`; one `ids=a` arrives as a plain string, so it is
 * taken as a list of one. Left out: every model the caller can export.
 */
export class ExportModelsQueryDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'Only these models (repeat the parameter); unknown or unexportable ids are left out',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @Length(1, 256, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(1000)
  @IsArray()
  ids?: string[];
}
