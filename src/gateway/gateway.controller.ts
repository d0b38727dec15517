import { Controller, createParamDecorator, ExecutionContext, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Caller, CurrentCaller } from '../access/caller';
import type { RawJson } from '../common/raw-json';
import { Revalidated } from '../common/revalidation.interceptor';
import { ClientFamily, clientFamilyOf } from './client-family';
import type { GatewayModel, GatewayModelList } from './dto/gateway-responses';
import { ApiAnyFamilyList, ApiAnyFamilyModel, ApiGatewayAuth, ApiGeminiList, ApiGeminiModel } from './gateway-openapi';
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
@ApiGatewayAuth()
@Controller()
export class GatewayController {
  constructor(private readonly gateway: GatewayService) {}

  // /v1 and /v1beta are separate handlers so each path documents only what it accepts.
  @Get('v1/models')
  @Revalidated('gateway')
  @ApiOperation({ summary: 'Models the caller may use: OpenAI, Anthropic or Gemini format by headers' })
  @ApiAnyFamilyList()
  list(
    @CurrentCaller() caller: Caller,
    @Family() family: ClientFamily,
    @Query() query: GatewayQuery,
  ): Promise<GatewayModelList | RawJson> {
    return this.gateway.list(family, caller, query);
  }

  @Get('v1beta/models')
  @Revalidated('gateway')
  @ApiOperation({ summary: 'Models the caller may use, in Gemini format' })
  @ApiGeminiList()
  geminiList(
    @CurrentCaller() caller: Caller,
    @Family() family: ClientFamily,
    @Query() query: GatewayQuery,
  ): Promise<GatewayModelList | RawJson> {
    return this.gateway.list(family, caller, query);
  }

  @Get('v1/models/*id')
  @Revalidated('gateway')
  @ApiOperation({ summary: 'One model the caller may use, in the same format; 404 otherwise' })
  @ApiParam({ name: 'id', description: 'The model id, which may contain /' })
  @ApiAnyFamilyModel()
  one(
    @CurrentCaller() caller: Caller,
    @Family() family: ClientFamily,
    @Param('id') id: string[] | string,
  ): Promise<GatewayModel> {
    return this.gateway.one(family, caller, Array.isArray(id) ? id.join('/') : id);
  }

  @Get('v1beta/models/*id')
  @Revalidated('gateway')
  @ApiOperation({ summary: 'One model the caller may use, in Gemini format; 404 otherwise' })
  @ApiParam({ name: 'id', description: 'The model id (may contain /), or models/<id>' })
  @ApiGeminiModel()
  geminiOne(
    @CurrentCaller() caller: Caller,
    @Family() family: ClientFamily,
    @Param('id') id: string[] | string,
  ): Promise<GatewayModel> {
    return this.gateway.one(family, caller, Array.isArray(id) ? id.join('/') : id);
  }
}
