import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength } from 'class-validator';
import { ToInteger } from '../../common/query-number';
import { NoControlChars } from '../../common/text-fields';
import type { UserEntity } from '../user.entity';

export const USER_SEARCH_ORDER = ['name', 'email', 'created_at'] as const;
export type UserSearchOrder = (typeof USER_SEARCH_ORDER)[number];

/** class-validator runs a property's decorators bottom-up: the type check sits lowest. */
export class SearchUsersQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of name, username or email', maxLength: 500 })
  @IsOptional()
  @NoControlChars()
  @MaxLength(500)
  @IsString()
  query?: string;

  @ApiPropertyOptional({ enum: USER_SEARCH_ORDER, default: 'name' })
  @IsOptional()
  @IsIn(USER_SEARCH_ORDER)
  order_by?: UserSearchOrder;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: '1-based; 30 people a page; values below 1 count as 1' })
  @IsOptional()
  @ToInteger()
  @Max(1_000_000_000)
  @IsInt()
  page?: number;
}

/** What anyone may know about another account: enough to recognise and share with it. */
export class UserInfoResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  username!: string | null;

  @ApiProperty()
  email!: string;

  static from(user: Pick<UserEntity, 'id' | 'name' | 'username' | 'email'>): UserInfoResponseDto {
    return { id: user.id, name: user.name, username: user.username, email: user.email };
  }
}

export class UserSearchResponseDto {
  @ApiProperty({ type: [UserInfoResponseDto] })
  users!: UserInfoResponseDto[];

  @ApiProperty({ description: 'Matches across all pages' })
  total!: number;
}
