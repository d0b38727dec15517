import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../access/caller';
import { uuidParam } from '../common/uuid';
import { Roles } from '../common/decorators';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { ApiCallerAuth } from '../common/openapi';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user-requests.dto';
import { UserListResponseDto, UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiCallerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserListResponseDto })
  @ApiOperation({ summary: 'Users, 30 a page, optionally filtered by name, email or username' })
  list(@Query() query: ListUsersQueryDto): Promise<UserListResponseDto> {
    return this.users.list(query);
  }

  @Post()
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiOperation({ summary: 'Create an account (role defaults to DEFAULT_USER_ROLE)' })
  create(@Body() body: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponseDto })
  get(@Param('id', uuidParam('id')) id: string): Promise<UserResponseDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiOperation({ summary: 'Change name, email, username, role or password; the last admin cannot be demoted' })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return this.users.update(id, body, caller);
  }

  @Delete(':id')
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiOperation({ summary: 'Delete an account and its grants; its models stay, without owner' })
  remove(@CurrentCaller() caller: Caller, @Param('id', uuidParam('id')) id: string): Promise<DeletedResponseDto> {
    return this.users.remove(id, caller);
  }
}
