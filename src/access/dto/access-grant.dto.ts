import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, ValidateIf } from 'class-validator';
import type { Permission } from '../access-grant.entity';

/** `anyone` is Open WebUI's name for the public grant: stored and answered as `user` / `*`. */
export type RequestedPrincipalType = 'user' | 'group' | 'anyone';

export class AccessGrantDto {
  @ApiProperty({ enum: ['user', 'group', 'anyone'], description: 'anyone = user:* (every signed-in user)' })
  @IsIn(['user', 'group', 'anyone'])
  principal_type!: RequestedPrincipalType;

  @ApiProperty({
    description: 'A user id, a group id, or * (with principal_type user) for every signed-in user; ignored for anyone',
  })
  @ValidateIf((grant: AccessGrantDto) => grant.principal_type !== 'anyone' || grant.principal_id !== undefined)
  @Length(1, 64)
  @IsString()
  principal_id!: string;

  @ApiProperty({ enum: ['read', 'write'] })
  @IsIn(['read', 'write'])
  permission!: Permission;
}
