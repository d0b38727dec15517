import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../access/caller';
import { Roles, SignInTokenOnly } from '../common/decorators';
import { ApiCallerAuth, ApiErrorResponses } from '../common/openapi';
import { Revalidated } from '../common/revalidation.interceptor';
import { ModelResponseDto } from './dto/model-response.dto';
import { BaseModelsQueryDto, DeletedCountDto, OpenWebUiModelListDto } from './dto/openwebui-models.dto';
import { OpenWebUiModelsService } from './openwebui-models.service';

/**
 * Open WebUI's main model routes, at /api only: /api/v1/models/base is a different route
 * (OpenWebUiV1ModelsController), so app.setup.ts does not alias these paths.
 */
@ApiTags('models')
@ApiCallerAuth()
@Controller('api/models')
export class OpenWebUiModelsController {
  constructor(private readonly models: OpenWebUiModelsService) {}

  @Get()
  @Revalidated()
  @ApiOperation({ summary: "Open WebUI's model list: active models the caller can read, base and custom" })
  @ApiOkResponse({ type: OpenWebUiModelListDto })
  @ApiErrorResponses([401, 403, 503])
  list(@CurrentCaller() caller: Caller) {
    return this.models.active(caller);
  }

  @Get('base')
  @Revalidated()
  @ApiOperation({ summary: 'The base models the caller can build on, in the model list shape' })
  @ApiOkResponse({ type: OpenWebUiModelListDto })
  @ApiErrorResponses([401, 403, 503])
  base(@CurrentCaller() caller: Caller) {
    return this.models.baseList(caller);
  }
}

/** The /api/v1/models routes Open WebUI's workspace and admin settings call that /api does not have. */
@ApiTags('models')
@ApiCallerAuth()
@Controller('api/v1/models')
export class OpenWebUiV1ModelsController {
  constructor(private readonly models: OpenWebUiModelsService) {}

  @Get('base')
  @Revalidated()
  @ApiOperation({ summary: 'The base models the caller can build on (admins: all), by id; ?tag= filters' })
  @ApiOkResponse({ type: [ModelResponseDto] })
  @ApiErrorResponses([400, 401, 403, 503])
  base(@CurrentCaller() caller: Caller, @Query() query: BaseModelsQueryDto) {
    return this.models.base(caller, query.tag?.trim() ? query.tag : null);
  }

  @Get('base/tags')
  @Revalidated()
  @ApiOperation({ summary: 'Sorted distinct tags over the base models the caller can build on' })
  @ApiOkResponse({ type: [String], description: 'Lower-cased tag names, sorted' })
  @ApiErrorResponses([401, 403, 503])
  baseTags(@CurrentCaller() caller: Caller) {
    return this.models.baseTags(caller);
  }

  /** Listing or deleting every model is administration: never with an API key (the guard refuses it). */
  @Get('all')
  @Revalidated()
  @Roles('admin')
  @SignInTokenOnly()
  @ApiOperation({ summary: 'Every custom model (admins with a sign-in token)' })
  @ApiOkResponse({ type: [ModelResponseDto] })
  @ApiErrorResponses([401, 403, 503])
  all(@CurrentCaller() caller: Caller) {
    return this.models.all(caller);
  }

  @Delete('delete/all')
  @Roles('admin')
  @SignInTokenOnly()
  @ApiOperation({ summary: 'Delete every custom model; base models stay (admins with a sign-in token)' })
  @ApiOkResponse({ type: DeletedCountDto })
  @ApiErrorResponses([401, 403, 503])
  deleteAll(@CurrentCaller() caller: Caller) {
    return this.models.deleteAll(caller);
  }
}
