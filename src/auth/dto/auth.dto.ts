import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { NewPassword, OptionalUsername, UserEmail, UserName } from '../../users/dto/user-fields';
import { UserResponseDto } from '../../users/dto/user-response.dto';

export class SignUpDto {
  @UserName()
  name!: string;

  @UserEmail()
  email!: string;

  @NewPassword()
  password!: string;

  @OptionalUsername()
  username?: string | null;
}

/** Loosely checked on purpose: a malformed email is just a failed sign-in, like a wrong one. */
export class SignInDto {
  @ApiProperty({ format: 'email' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
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
