import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { uuidParam } from '../auth/parse-uuid';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser, SignInTokenOnly } from '../common/decorators';
import { DeletedResponseDto } from '../users/dto/user-response.dto';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';

/** A key's holder must not mint wider keys or remove the owner's: sign-in tokens only (SPEC §1). */
@ApiTags('api keys')
@ApiBearerAuth()
@SignInTokenOnly()
@Controller('api/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  @ApiOperation({ summary: 'The caller’s API keys (without secrets)' })
  async list(@CurrentUser() caller: AuthUser): Promise<ApiKeyResponseDto[]> {
    return (await this.keys.list(caller.id)).map((key) => ApiKeyResponseDto.from(key));
  }

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  @ApiOperation({ summary: 'Create an API key; the secret is in this answer only' })
  async create(@CurrentUser() caller: AuthUser, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    const { key, secret } = await this.keys.create(caller, body);
    return CreatedApiKeyResponseDto.from(key, secret);
  }

  @Delete(':id')
  @ApiOkResponse({ type: DeletedResponseDto })
  async remove(@CurrentUser() caller: AuthUser, @Param('id', uuidParam('id')) id: string): Promise<DeletedResponseDto> {
    await this.keys.remove(caller.id, id);
    return { id, deleted: true };
  }
}
