import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from '../../users/dto/user-response.dto';

/** The keys Open WebUI's workspace pages read to show or hide Models, Import and Export. */
export class WorkspacePermissionsDto {
  @ApiProperty({ description: 'May use the workspace models page (list, edit what it can write)' })
  models!: boolean;

  @ApiProperty({ description: 'May import models (import creates models)' })
  models_import!: boolean;

  @ApiProperty({ description: 'May export the models it can write' })
  models_export!: boolean;
}

export class SharingPermissionsDto {
  @ApiProperty({ description: 'May share models it can write with users and groups' })
  models!: boolean;

  @ApiProperty({ description: 'May make a model public (user:*)' })
  public_models!: boolean;
}

export class AccessGrantPermissionsDto {
  @ApiProperty({ description: 'May grant access to individual users' })
  allow_users!: boolean;

  @ApiProperty({ description: 'May grant access to groups' })
  allow_groups!: boolean;
}

/** What the caller's account may do, in the shape of Open WebUI's `permissions`. */
export class UserPermissionsDto {
  @ApiProperty({ type: WorkspacePermissionsDto })
  workspace!: WorkspacePermissionsDto;

  @ApiProperty({ type: SharingPermissionsDto })
  sharing!: SharingPermissionsDto;

  @ApiProperty({ type: AccessGrantPermissionsDto })
  access_grants!: AccessGrantPermissionsDto;
}

export class CallerResponseDto extends UserResponseDto {
  @ApiProperty({ type: UserPermissionsDto })
  permissions!: UserPermissionsDto;
}
