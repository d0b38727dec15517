import { Body, Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { callerOf, Caller } from '../access/caller';
import type { AuthUser } from '../common/auth-user';
import { ApiKeysMayWrite, CurrentUser, Roles } from '../common/decorators';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { ListModelsQueryDto, ModelIdQueryDto } from './dto/list-models-query.dto';
import { ModelIdDto } from './dto/model-fields.dto';
import { CreateModelDto, ImportModelsDto, UpdateAccessDto, UpdateModelDto } from './dto/model-requests.dto';
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
@ApiBearerAuth()
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
  list(@CurrentUser() user: AuthUser, @Query() query: ListModelsQueryDto) {
    return this.lists.list(this.caller(user), query);
  }

  @Get('tags')
  @ApiOperation({ summary: 'Sorted distinct tags over the custom models the caller can read' })
  tags(@CurrentUser() user: AuthUser) {
    return this.lists.tags(this.caller(user));
  }

  @Get('base')
  @Roles('admin')
  @ApiOperation({ summary: 'Base models (admins)' })
  base(@CurrentUser() user: AuthUser) {
    return this.lists.baseModels(this.caller(user));
  }

  @Post('create')
  @ApiOperation({ summary: 'Create a custom model (or, for admins, a base model)' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateModelDto) {
    return this.models.create(this.caller(user), body);
  }

  @Get('model')
  @ApiOperation({ summary: 'One model the caller can read' })
  get(@CurrentUser() user: AuthUser, @Query() query: ModelIdQueryDto) {
    return this.reader.one(this.caller(user), query.id);
  }

  @Get('model/profile/image')
  @ApiOperation({ summary: "The model's profile image" })
  async image(@CurrentUser() user: AuthUser, @Query() query: ModelIdQueryDto, @Res() response: Response) {
    const image = profileImageOf((await this.reader.one(this.caller(user), query.id)).meta);
    if (image.kind === 'redirect') return response.redirect(302, image.url);
    // Stored images come from users: never let one run script in this origin (SVG).
    response.set({ 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" });
    response.type(image.contentType).set('X-Content-Type-Options', 'nosniff').send(image.body);
  }

  @Post('model/update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a model; fields left out keep their value' })
  update(@CurrentUser() user: AuthUser, @Body() body: UpdateModelDto) {
    return this.models.update(this.caller(user), body);
  }

  @Post('model/access/update')
  @HttpCode(200)
  @ApiOperation({ summary: "Replace a model's access grants" })
  updateAccess(@CurrentUser() user: AuthUser, @Body() body: UpdateAccessDto) {
    return this.models.updateAccess(this.caller(user), body);
  }

  @Post('model/toggle')
  @HttpCode(200)
  @ApiOperation({ summary: 'Flip is_active' })
  toggle(@CurrentUser() user: AuthUser, @Query() query: ModelIdQueryDto) {
    return this.models.toggle(this.caller(user), query.id);
  }

  @Post('model/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a model and its grants' })
  delete(@CurrentUser() user: AuthUser, @Body() body: ModelIdDto) {
    return this.models.delete(this.caller(user), body.id);
  }

  @Get('export')
  @ApiOperation({ summary: 'Every model the caller can write, with grants' })
  export(@CurrentUser() user: AuthUser) {
    return this.lists.export(this.caller(user));
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or overwrite models; one result per model' })
  import(@CurrentUser() user: AuthUser, @Body() body: ImportModelsDto) {
    return this.imports.import(this.caller(user), body.models);
  }
}
