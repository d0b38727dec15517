import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCallerAuth } from '../common/openapi';
import { uuidParam } from '../common/uuid';
import { SearchUsersQueryDto, UserInfoResponseDto, UserSearchResponseDto } from './dto/user-directory.dto';
import { UserDirectoryService } from './user-directory.service';

/**
 * People any approved account may look up when sharing (the rest of /api/users is for admins).
 * Registered before UsersController, so `search` is never taken for an `:id`.
 */
@ApiTags('users')
@ApiCallerAuth()
@Controller('api/users')
export class UserDirectoryController {
  constructor(private readonly directory: UserDirectoryService) {}

  @Get('search')
  @ApiOkResponse({ type: UserSearchResponseDto })
  @ApiOperation({ summary: 'People to share with, 30 a page, by a substring of name, username or email' })
  search(@Query() query: SearchUsersQueryDto): Promise<UserSearchResponseDto> {
    return this.directory.search(query);
  }

  @Get(':id/info')
  @ApiOkResponse({ type: UserInfoResponseDto })
  @ApiOperation({ summary: 'Name, username and email of one account' })
  info(@Param('id', uuidParam('id')) id: string): Promise<UserInfoResponseDto> {
    return this.directory.info(id);
  }
}
