import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { callerOf, Caller } from '../access/caller';
import type { AuthUser } from '../common/auth-user';
import { ApiKeysMayWrite, CurrentUser, Roles } from '../common/decorators';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { ApiCallerAuth, ApiErrorResponses } from '../common/openapi';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { ListModelsQueryDto, ModelIdQueryDto } from './dto/list-models-query.dto';
import { ModelIdDto } from './dto/model-fields.dto';
import { CreateModelDto, ImportModelsDto, UpdateAccessDto, UpdateModelDto } from './dto/model-requests.dto';
import { ImportResponseDto, ModelListResponseDto, ModelResponseDto } from './dto/model-response.dto';
import { profileImageOf } from './model-image';
import { ModelImportService } from './model-import.service';
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
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  private caller(user: AuthUser): Caller {
    return callerOf(user, this.config);
  }

  @Get('list')
  @ApiOperation({ summary: 'Custom models the caller can read: search, tag, view, sort, 30 a page' })
  @ApiOkResponse({ type: ModelListResponseDto })
  @ApiErrorResponses([400, 401, 403, 503])
  list(@CurrentUser() user: AuthUser, @Query() query: ListModelsQueryDto): Promise<ModelListResponseDto> {
    return this.lists.list(this.caller(user), query);
  }

  @Get('tags')
  @ApiOperation({ summary: 'Sorted distinct tags over the custom models the caller can read' })
  @ApiOkResponse({ type: [String], description: 'Lower-cased tag names, sorted' })
  @ApiErrorResponses([401, 403, 503])
  tags(@CurrentUser() user: AuthUser): Promise<string[]> {
    return this.lists.tags(this.caller(user));
  }

  @Get('base')
  @Roles('admin')
  @ApiOperation({ summary: 'Base models (admins)' })
  @ApiOkResponse({ type: [ModelResponseDto] })
  @ApiErrorResponses([401, 403, 503])
  base(@CurrentUser() user: AuthUser): Promise<ModelResponseDto[]> {
    return this.lists.baseModels(this.caller(user));
  }

  @Post('create')
  @ApiOperation({ summary: 'Create a custom model (or, for admins, a base model)' })
  @ApiCreatedResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 409, 413, 503])
  create(@CurrentUser() user: AuthUser, @Body() body: CreateModelDto): Promise<ModelResponseDto> {
    return this.models.create(this.caller(user), body);
  }

  @Get('model')
  @ApiOperation({ summary: 'One model the caller can read' })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  get(@CurrentUser() user: AuthUser, @Query() query: ModelIdQueryDto): Promise<ModelResponseDto> {
    return this.reader.one(this.caller(user), query.id);
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
    @CurrentUser() user: AuthUser,
    @Query() query: ModelIdQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    const image = profileImageOf((await this.reader.one(this.caller(user), query.id)).meta);
    if (image.kind === 'redirect') return response.redirect(302, image.url);
    // Stored images come from users: never let one run script in this origin (SVG).
    response.set({ 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" });
    response.type(image.contentType).set('X-Content-Type-Options', 'nosniff').send(image.body);
  }

  @Post('model/update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a model; fields left out keep their value' })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 413, 503])
  update(@CurrentUser() user: AuthUser, @Body() body: UpdateModelDto): Promise<ModelResponseDto> {
    return this.models.update(this.caller(user), body);
  }

  @Post('model/access/update')
  @HttpCode(200)
  @ApiOperation({ summary: "Replace a model's access grants" })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 413, 503])
  updateAccess(@CurrentUser() user: AuthUser, @Body() body: UpdateAccessDto): Promise<ModelResponseDto> {
    return this.models.updateAccess(this.caller(user), body);
  }

  @Post('model/toggle')
  @HttpCode(200)
  @ApiOperation({ summary: 'Flip is_active' })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  toggle(@CurrentUser() user: AuthUser, @Query() query: ModelIdQueryDto): Promise<ModelResponseDto> {
    return this.models.toggle(this.caller(user), query.id);
  }

  @Post('model/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a model and its grants' })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 409, 503])
  delete(@CurrentUser() user: AuthUser, @Body() body: ModelIdDto): Promise<DeletedResponseDto> {
    return this.models.delete(this.caller(user), body.id);
  }

  @Get('export')
  @ApiOperation({ summary: 'Every model the caller can write, with grants' })
  @ApiOkResponse({ type: [ModelResponseDto] })
  @ApiErrorResponses([401, 403, 503])
  export(@CurrentUser() user: AuthUser): Promise<ModelResponseDto[]> {
    return this.lists.export(this.caller(user));
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or overwrite models; one result per model' })
  @ApiOkResponse({ type: ImportResponseDto })
  @ApiErrorResponses([400, 401, 403, 413, 503])
  import(@CurrentUser() user: AuthUser, @Body() body: ImportModelsDto): Promise<ImportResponseDto> {
    return this.imports.import(this.caller(user), body.models);
  }
}
