import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import type { Permission, PrincipalType } from '../access-grant.entity';

export class AccessGrantDto {
  @ApiProperty({ enum: ['user', 'group'] })
  @IsIn(['user', 'group'])
  principal_type!: PrincipalType;

  @ApiProperty({ description: 'A user id, a group id, or * (with principal_type user) for every signed-in user' })
  @Length(1, 64)
  @IsString()
  principal_id!: string;

  @ApiProperty({ enum: ['read', 'write'] })
  @IsIn(['read', 'write'])
  permission!: Permission;
}
