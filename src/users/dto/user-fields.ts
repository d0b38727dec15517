import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsByteLength,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import type { UserRole } from '../../config/app-config';

export const USER_ROLES: readonly UserRole[] = ['admin', 'user', 'pending'];
const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;
const USERNAME_PATTERN = /^[\p{L}\p{N}._-]+$/u;

const trim = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/**
 * Required, or (optional = true) may be left out; null is still refused, because these columns
 * are NOT NULL and a null must be a 400 rather than a database error.
 */
function presence(optional: boolean, options: ApiPropertyOptions): PropertyDecorator {
  if (!optional) return ApiProperty(options);
  return applyDecorators(
    ApiPropertyOptional(options),
    ValidateIf((_object, value) => value !== undefined),
  );
}

/** Display name: 1–256 printable characters, trimmed. */
export const UserName = (optional = false): PropertyDecorator =>
  applyDecorators(
    presence(optional, { minLength: 1, maxLength: 256 }),
    trim,
    IsString(),
    Length(1, 256),
    Matches(NO_CONTROL_CHARS, { message: 'name must not contain control characters' }),
  );

/** Email, trimmed; the service lower-cases it so uniqueness and sign-in ignore case. */
export const UserEmail = (optional = false): PropertyDecorator =>
  applyDecorators(presence(optional, { format: 'email' }), trim, IsString(), MaxLength(320), IsEmail());

/** bcrypt only reads the first 72 bytes, so longer passwords are refused rather than truncated. */
export const NewPassword = (optional = false): PropertyDecorator =>
  applyDecorators(
    presence(optional, { minLength: 8, description: '8 characters to 72 bytes' }),
    IsString(),
    Length(8, 1024, { message: 'password must be at least 8 characters' }),
    IsByteLength(0, 72, { message: 'password must be at most 72 bytes' }),
  );

/** Optional unique handle (unique ignoring case); null clears it on update. */
export const OptionalUsername = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      minLength: 1,
      maxLength: 64,
      pattern: USERNAME_PATTERN.source,
    }),
    trim,
    IsOptional(),
    IsString(),
    Length(1, 64),
    Matches(USERNAME_PATTERN, { message: 'username may contain letters, digits, ".", "_" and "-" only' }),
  );

export const OptionalRole = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ enum: USER_ROLES }),
    ValidateIf((_object, value) => value !== undefined),
    IsIn(USER_ROLES),
  );

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
