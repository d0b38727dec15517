import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
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
import { Presence, Trim } from '../../common/text-fields';
import { USER_ROLES } from '../../common/user-role';

const USERNAME_PATTERN = /^[\p{L}\p{N}._-]+$/u;

/** Email, trimmed; the service lower-cases it so uniqueness and sign-in ignore case. */
export const UserEmail = (optional = false): PropertyDecorator =>
  applyDecorators(Presence(optional, { format: 'email' }), Trim(), IsString(), MaxLength(320), IsEmail());

/** bcrypt only reads the first 72 bytes, so longer passwords are refused rather than truncated. */
export const NewPassword = (optional = false): PropertyDecorator =>
  applyDecorators(
    Presence(optional, { minLength: 8, description: '8 characters to 72 bytes' }),
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
    Trim(),
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
