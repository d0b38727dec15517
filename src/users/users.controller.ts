import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../auth/parse-uuid';
import { Roles } from '../common/decorators';
import { ApiCallerAuth } from '../common/openapi';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user-requests.dto';
import { DeletedResponseDto, UserListResponseDto, UserResponseDto } from './dto/user-response.dto';
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
  async list(@Query() query: ListUsersQueryDto): Promise<UserListResponseDto> {
    const { items, total } = await this.users.list(query);
    return { items: items.map((user) => UserResponseDto.from(user)), total };
  }

  @Post()
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiOperation({ summary: 'Create an account (role defaults to DEFAULT_USER_ROLE)' })
  async create(@Body() body: CreateUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.create(body));
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponseDto })
  async get(@Param('id', uuidParam('id')) id: string): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.findById(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiOperation({ summary: 'Change name, email, username, role or password; the last admin cannot be demoted' })
  async update(@Param('id', uuidParam('id')) id: string, @Body() body: UpdateUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.update(id, body));
  }

  @Delete(':id')
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiOperation({ summary: 'Delete an account and its grants; its models stay, without owner' })
  async remove(@Param('id', uuidParam('id')) id: string): Promise<DeletedResponseDto> {
    await this.users.remove(id);
    return { id, deleted: true };
  }
}
