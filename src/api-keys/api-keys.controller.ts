import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../common/uuid';
import type { AuthUser } from '../common/auth-user';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { CurrentUser, SignInTokenOnly } from '../common/decorators';
import { SECURITY } from '../common/openapi';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';

/** A key's holder must not mint wider keys or remove the owner's: sign-in tokens only (docs/access.md). */
@ApiTags('api keys')
@ApiSecurity(SECURITY.signInToken)
@SignInTokenOnly()
@Controller('api/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  @ApiOperation({ summary: 'The caller’s API keys (without secrets)' })
  list(@CurrentUser() caller: AuthUser): Promise<ApiKeyResponseDto[]> {
    return this.keys.list(caller.id);
  }

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  @ApiOperation({ summary: 'Create an API key; the secret is in this answer only' })
  create(@CurrentUser() caller: AuthUser, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    return this.keys.create(caller, body);
  }

  @Delete(':id')
  @ApiOkResponse({ type: DeletedResponseDto })
  remove(@CurrentUser() caller: AuthUser, @Param('id', uuidParam('id')) id: string): Promise<DeletedResponseDto> {
    return this.keys.remove(caller, id);
  }
}
