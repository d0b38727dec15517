import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { DisplayName } from '../../common/text-fields';
import { NewPassword, OptionalUsername, UserEmail } from '../../users/dto/user-fields';
import { UserResponseDto } from '../../users/dto/user-response.dto';

export class SignUpDto {
  @DisplayName()
  name!: string;

  @UserEmail()
  email!: string;

  @NewPassword()
  password!: string;

  @OptionalUsername()
  username?: string | null;
}

/**
 * Loosely checked on purpose: a malformed email is just a failed sign-in, like a wrong one.
 * Decorators run bottom-up, so the type check sits lowest.
 */
export class SignInDto {
  @ApiProperty({ format: 'email' })
  @MaxLength(320)
  @IsString()
  email!: string;

  @ApiProperty()
  @MaxLength(1024)
  @IsString()
  password!: string;
}

export class SessionResponseDto {
  @ApiProperty({ description: 'JWT (HS256) for Authorization: Bearer' })
  token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'unix seconds' })
  expires_at!: number;

  @ApiProperty({ type: UserResponseDto })
  user!: UserResponseDto;
}

export class SignOutResponseDto {
  @ApiProperty({ enum: [true] })
  status!: true;
}
