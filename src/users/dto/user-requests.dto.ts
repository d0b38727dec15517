import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength } from 'class-validator';
import type { UserRole } from '../../common/user-role';
import { ToInteger } from '../../common/query-number';
import { DisplayName } from '../../common/text-fields';
import { NewPassword, OptionalRole, OptionalUsername, UserEmail } from './user-fields';

export class CreateUserDto {
  @DisplayName()
  name!: string;

  @UserEmail()
  email!: string;

  @NewPassword()
  password!: string;

  @OptionalRole()
  role?: UserRole;

  @OptionalUsername()
  username?: string | null;
}

/** Fields left out keep their value. */
export class UpdateUserDto {
  @DisplayName(true)
  name?: string;

  @UserEmail(true)
  email?: string;

  @NewPassword(true)
  password?: string;

  @OptionalRole()
  role?: UserRole;

  @OptionalUsername()
  username?: string | null;
}

/** class-validator runs a property's decorators bottom-up: the type check sits lowest. */
export class ListUsersQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, email or username' })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  query?: string;

  @ApiPropertyOptional({ description: '1-based; 30 users a page; values below 1 count as 1' })
  @IsOptional()
  @ToInteger()
  @Max(1_000_000_000)
  @IsInt()
  page?: number;
}
