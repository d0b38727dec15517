import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from '../../common/user-role';
import type { UserEntity } from '../user.entity';

/** A user as the API shows it: never the password hash. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ type: String, nullable: true })
  username!: string | null;

  @ApiProperty({ enum: USER_ROLES })
  role!: UserRole;

  @ApiProperty({ description: 'unix seconds' })
  created_at!: number;

  @ApiProperty({ description: 'unix seconds' })
  updated_at!: number;

  static from(user: UserEntity): UserResponseDto {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      username: user.username,
      role: user.role,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
    };
  }
}

export class UserListResponseDto {
  @ApiProperty({ type: [UserResponseDto] })
  items!: UserResponseDto[];

  @ApiProperty({ description: 'Matches across all pages' })
  total!: number;
}
