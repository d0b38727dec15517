import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../access/caller';
import { uuidParam } from '../common/uuid';
import type { AuthUser } from '../common/auth-user';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { CurrentUser, Roles } from '../common/decorators';
import { ApiCallerAuth } from '../common/openapi';
import {
  CreateGroupDto,
  GroupInfoResponseDto,
  GroupMembersDto,
  GroupResponseDto,
  ListGroupsQueryDto,
  UpdateGroupDto,
} from './dto/group.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@ApiCallerAuth()
@Controller('api/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOkResponse({ type: [GroupResponseDto] })
  @ApiOperation({
    summary: 'Every group (admins) or the caller’s own groups (users); share=true: every group, members of own only',
  })
  list(@CurrentUser() caller: AuthUser, @Query() query: ListGroupsQueryDto): Promise<GroupResponseDto[]> {
    return this.groups.list(caller, query.share ?? false);
  }

  /** Also at Open WebUI's path, /api/v1/groups/id/:id/info. */
  @Get([':id/info', 'id/:id/info'])
  @ApiOkResponse({ type: GroupInfoResponseDto })
  @ApiOperation({ summary: 'Name, description and member count of any group (not who the members are)' })
  info(@Param('id', uuidParam('id')) id: string): Promise<GroupInfoResponseDto> {
    return this.groups.info(id);
  }

  @Post()
  @ApiCreatedResponse({ type: GroupResponseDto })
  @Roles('admin')
  create(@CurrentCaller() caller: Caller, @Body() body: CreateGroupDto): Promise<GroupResponseDto> {
    return this.groups.create(caller, body);
  }

  @Get(':id')
  @ApiOkResponse({ type: GroupResponseDto })
  @Roles('admin')
  get(@Param('id', uuidParam('id')) id: string): Promise<GroupResponseDto> {
    return this.groups.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: GroupResponseDto })
  @Roles('admin')
  update(@Param('id', uuidParam('id')) id: string, @Body() body: UpdateGroupDto): Promise<GroupResponseDto> {
    return this.groups.update(id, body);
  }

  @Delete(':id')
  @ApiOkResponse({ type: DeletedResponseDto })
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a group, its memberships and the grants made to it' })
  remove(@CurrentCaller() caller: Caller, @Param('id', uuidParam('id')) id: string): Promise<DeletedResponseDto> {
    return this.groups.remove(caller, id);
  }

  @Post(':id/members')
  @ApiOkResponse({ type: GroupResponseDto })
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add members; users already in the group are left as they are' })
  addMembers(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: GroupMembersDto,
  ): Promise<GroupResponseDto> {
    return this.groups.addMembers(caller, id, body.user_ids);
  }

  @Delete(':id/members/:userId')
  @ApiOkResponse({ type: GroupResponseDto })
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a member (a no-op when the user is not in the group)' })
  removeMember(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
  ): Promise<GroupResponseDto> {
    return this.groups.removeMember(caller, id, userId);
  }
}
