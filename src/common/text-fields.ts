import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';

/*
 * Composite field decorators. applyDecorators registers the checks in the order listed and
 * class-validator runs them in that order, stopping at the first failure (stopAtFirstError): so
 * the type check comes first and a wrong type is reported as such, not as a bad length or pattern.
 */

/** Anything printable: no control characters (tabs and newlines included). */
export const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;

/** Trims strings; anything else passes unchanged, for the type check to report. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Refuses control characters, naming the field; place after the type check. */
export const NoControlChars = (): PropertyDecorator =>
  Matches(NO_CONTROL_CHARS, { message: '$property must not contain control characters' });

/**
 * Required, or (optional = true) may be left out; null is still refused, because these columns
 * are NOT NULL and a null must be a 400 rather than a database error.
 */
export function Presence(optional: boolean, options: ApiPropertyOptions): PropertyDecorator {
  if (!optional) return ApiProperty(options);
  return applyDecorators(
    ApiPropertyOptional(options),
    ValidateIf((_object, value) => value !== undefined),
  );
}

/** The name of a user, group or API key: 1–256 printable characters, trimmed. */
export const DisplayName = (optional = false): PropertyDecorator =>
  applyDecorators(
    Presence(optional, { minLength: 1, maxLength: 256 }),
    Trim(),
    IsString(),
    Length(1, 256),
    NoControlChars(),
  );
