import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessExplainService } from '../access/access-explain.service';
import { Caller, CurrentCaller } from '../access/caller';
import { AccessExplanationDto, ExplainAccessQueryDto } from '../access/dto/access-explain.dto';
import { ApiKeysMayWrite } from '../common/decorators';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import type { RawJson } from '../common/raw-json';
import { ApiCallerAuth, ApiErrorResponses } from '../common/openapi';
import { Revalidated } from '../common/revalidation.interceptor';
import {
  ExportModelsQueryDto,
  ListModelsQueryDto,
  ModelIdQueryDto,
  ModelImageQueryDto,
} from './dto/list-models-query.dto';
import { ModelIdDto } from './dto/model-fields.dto';
import { HistoryPageDto, HistoryQueryDto, RestoreModelDto, ToggleQueryDto } from './dto/model-history.dto';
import { ModelHistoryService } from './history/model-history.service';
import { CreateModelDto, ImportModelsDto, UpdateAccessDto, UpdateModelDto } from './dto/model-requests.dto';
import {
  ImportResponseDto,
  ModelCreatedResponseDto,
  ModelListResponseDto,
  ModelResponseDto,
} from './dto/model-response.dto';
import { profileImageOf } from './model-image';
import { ModelImportService } from './import/model-import.service';
import { ModelListService } from './model-list.service';
import { ModelReader } from './model-reader.service';
import { ModelsService } from './models.service';

/**
 * Workspace model routes (docs/api.md); ids travel in the query or body because they may contain `/`.
 * Full API keys may change models here (integrations sync them); read-only keys are stopped by the guard.
 */
@ApiTags('models')
@ApiCallerAuth()
@ApiKeysMayWrite()
@Controller('api/models')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly lists: ModelListService,
    private readonly reader: ModelReader,
    private readonly imports: ModelImportService,
    private readonly histories: ModelHistoryService,
    private readonly explainer: AccessExplainService,
  ) {}

  @Get('list')
  @Revalidated()
  @ApiOperation({ summary: 'Custom models the caller can read: search, tag, view, sort, 30 a page' })
  @ApiOkResponse({ type: ModelListResponseDto })
  @ApiErrorResponses([400, 401, 403, 503])
  list(@CurrentCaller() caller: Caller, @Query() query: ListModelsQueryDto): Promise<ModelListResponseDto | RawJson> {
    return this.lists.list(caller, query);
  }

  @Get('tags')
  @Revalidated()
  @ApiOperation({ summary: 'Sorted distinct tags over the custom models the caller can read' })
  @ApiOkResponse({ type: [String], description: 'Lower-cased tag names, sorted' })
  @ApiErrorResponses([401, 403, 503])
  tags(@CurrentCaller() caller: Caller): Promise<string[]> {
    return this.lists.tags(caller);
  }

  @Post('create')
  @ApiOperation({ summary: 'Create a custom model (or, for admins, a base model)' })
  @ApiCreatedResponse({ type: ModelCreatedResponseDto })
  @ApiErrorResponses([400, 401, 403, 409, 413, 503])
  create(@CurrentCaller() caller: Caller, @Body() body: CreateModelDto): Promise<ModelCreatedResponseDto> {
    return this.models.create(caller, body);
  }

  @Get('model')
  @Revalidated()
  @ApiOperation({ summary: 'One model the caller can read' })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  get(@CurrentCaller() caller: Caller, @Query() query: ModelIdQueryDto): Promise<ModelResponseDto> {
    return this.reader.one(caller, query.id);
  }

  @Get('model/profile/image')
  @ApiOperation({ summary: "The model's profile image" })
  @ApiOkResponse({
    description: 'The stored (data:) image',
    content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiFoundResponse({ description: 'Redirect to the http(s) image URL' })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  async image(
    @CurrentCaller() caller: Caller,
    @Query() query: ModelImageQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    const image = profileImageOf((await this.reader.one(caller, query.id)).meta);
    if (image.kind === 'redirect') return response.redirect(302, image.url);
    // Stored images come from users: never let one run script in this origin (SVG).
    response.set({ 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" });
    response.type(image.contentType).set('X-Content-Type-Options', 'nosniff').send(image.body);
  }

  @Post('model/update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a model; fields left out keep their value' })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 409, 413, 503])
  update(@CurrentCaller() caller: Caller, @Body() body: UpdateModelDto): Promise<ModelResponseDto> {
    return this.models.update(caller, body);
  }

  @Post('model/access/update')
  @HttpCode(200)
  @ApiOperation({ summary: "Replace a model's access grants" })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 409, 413, 503])
  updateAccess(@CurrentCaller() caller: Caller, @Body() body: UpdateAccessDto): Promise<ModelResponseDto> {
    return this.models.updateAccess(caller, body);
  }

  @Get('model/access/explain')
  @ApiOperation({
    summary: 'Whether a user (and one of its keys) can read and write the model, and every rule that says so',
  })
  @ApiOkResponse({ type: AccessExplanationDto })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  explain(@CurrentCaller() caller: Caller, @Query() query: ExplainAccessQueryDto): Promise<AccessExplanationDto> {
    return this.explainer.explain(caller, query);
  }

  @Post('model/toggle')
  @HttpCode(200)
  @ApiOperation({ summary: 'Flip is_active' })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 409, 503])
  toggle(@CurrentCaller() caller: Caller, @Query() query: ToggleQueryDto): Promise<ModelResponseDto> {
    return this.models.toggle(caller, query.id, query.version);
  }

  @Get('model/history')
  @ApiOperation({ summary: "A model's kept versions, newest first, 30 a page (writers)" })
  @ApiOkResponse({ type: HistoryPageDto })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  history(@CurrentCaller() caller: Caller, @Query() query: HistoryQueryDto): Promise<HistoryPageDto> {
    return this.histories.page(caller, query.id, query.page);
  }

  @Post('model/restore')
  @HttpCode(200)
  @ApiOperation({ summary: "Make a kept version's fields and grants current, as a new version" })
  @ApiOkResponse({ type: ModelCreatedResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  restore(@CurrentCaller() caller: Caller, @Body() body: RestoreModelDto): Promise<ModelCreatedResponseDto> {
    return this.models.restore(caller, body);
  }

  @Post('model/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a model and its grants' })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 409, 503])
  delete(@CurrentCaller() caller: Caller, @Body() body: ModelIdDto): Promise<DeletedResponseDto> {
    return this.models.delete(caller, body.id);
  }

  @Get('export')
  @Revalidated()
  @ApiOperation({ summary: 'Every model the caller can write (or those named by ?ids=), with grants' })
  @ApiOkResponse({ type: [ModelResponseDto] })
  @ApiErrorResponses([400, 401, 403, 503])
  export(@CurrentCaller() caller: Caller, @Query() query: ExportModelsQueryDto): Promise<ModelResponseDto[]> {
    return this.lists.export(caller, query.ids);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or overwrite models; one result per model' })
  @ApiOkResponse({ type: ImportResponseDto })
  @ApiErrorResponses([400, 401, 403, 413, 503])
  import(@CurrentCaller() caller: Caller, @Body() body: ImportModelsDto): Promise<ImportResponseDto> {
    return this.imports.import(caller, body.models);
  }
}
