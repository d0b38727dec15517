import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength } from 'class-validator';
import type { UserRole } from '../../config/app-config';
import { NewPassword, OptionalRole, OptionalUsername, UserEmail, UserName } from './user-fields';
import { ToInteger } from '../../common/query-number';

export class CreateUserDto {
  @UserName()
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
  @UserName(true)
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

export class ListUsersQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, email or username' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  query?: string;

  @ApiPropertyOptional({ description: '1-based; 30 users a page; values below 1 count as 1' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Max(1_000_000_000)
  page?: number;
}
