import { Controller, createParamDecorator, ExecutionContext, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { callerOf } from '../access/caller';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/decorators';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { ClientFamily, clientFamilyOf } from './client-family';
import type { GatewayQuery } from './gateway-query';
import { GatewayService } from './gateway.service';

/** The client family of the request (docs/gateway.md, picking the format). */
const Family = createParamDecorator((_: unknown, context: ExecutionContext): ClientFamily =>
  clientFamilyOf(context.switchToHttp().getRequest<Request>()),
);

/**
 * Gateway model lists for SDKs and tools (docs/gateway.md). Ids may contain `/`, so single-model routes
 * take the rest of the path; Express hands a wildcard over as its decoded segments.
 */
@ApiTags('gateway')
@ApiBearerAuth()
@ApiSecurity('x-api-key')
@ApiHeader({ name: 'anthropic-version', required: false, description: 'present: Anthropic format' })
@ApiHeader({ name: 'x-goog-api-key', required: false, description: 'API key; present: Gemini format' })
@ApiQuery({ name: 'key', required: false, description: 'API key; present: Gemini format' })
@Controller()
export class GatewayController {
  constructor(
    private readonly gateway: GatewayService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  @Get(['v1/models', 'v1beta/models'])
  @ApiOperation({ summary: 'Models the caller may use: OpenAI, Anthropic or Gemini format by headers' })
  @ApiQuery({ name: 'limit', required: false, description: 'Anthropic: 1-1000, default 20' })
  @ApiQuery({ name: 'after_id', required: false, description: 'Anthropic: the page after (older than) this model' })
  @ApiQuery({ name: 'before_id', required: false, description: 'Anthropic: the page before (newer than) this model' })
  @ApiQuery({ name: 'pageSize', required: false, description: 'Gemini: 1-1000, default 50' })
  @ApiQuery({ name: 'pageToken', required: false, description: "Gemini: the previous page's nextPageToken" })
  list(@CurrentUser() user: AuthUser, @Family() family: ClientFamily, @Query() query: GatewayQuery) {
    return this.gateway.list(family, callerOf(user, this.config), query);
  }

  @Get(['v1/models/*id', 'v1beta/models/*id'])
  @ApiOperation({ summary: 'One model the caller may use, in the same format; 404 otherwise' })
  @ApiParam({ name: 'id', description: 'The model id, which may contain /; for Gemini also models/<id>' })
  one(@CurrentUser() user: AuthUser, @Family() family: ClientFamily, @Param('id') id: string[] | string) {
    return this.gateway.one(family, callerOf(user, this.config), Array.isArray(id) ? id.join('/') : id);
  }
}
