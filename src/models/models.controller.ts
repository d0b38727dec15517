import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller, CurrentCaller } from '../access/caller';
import { Roles } from '../common/decorators';
import { ListModelsQueryDto, ModelIdQueryDto } from './dto/list-models-query.dto';
import { ModelIdDto } from './dto/model-fields.dto';
import { CreateModelDto, ImportModelsDto, UpdateAccessDto, UpdateModelDto } from './dto/model-requests.dto';
import { profileImageOf } from './model-image';
import { ModelImportService } from './model-import.service';
import { ModelListService } from './model-list.service';
import { ModelReader } from './model-reader.service';
import { ModelsService } from './models.service';

/** Workspace model routes (docs/api.md); ids travel in the query or body because they may contain `/`. */
@ApiTags('models')
@ApiBearerAuth()
@Controller('api/models')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly lists: ModelListService,
    private readonly reader: ModelReader,
    private readonly imports: ModelImportService,
  ) {}

  @Get('list')
  @ApiOperation({ summary: 'Custom models the caller can read: search, tag, view, sort, 30 a page' })
  list(@CurrentCaller() caller: Caller, @Query() query: ListModelsQueryDto) {
    return this.lists.list(caller, query);
  }

  @Get('tags')
  @ApiOperation({ summary: 'Sorted distinct tags over the custom models the caller can read' })
  tags(@CurrentCaller() caller: Caller) {
    return this.lists.tags(caller);
  }

  @Get('base')
  @Roles('admin')
  @ApiOperation({ summary: 'Base models (admins)' })
  base(@CurrentCaller() caller: Caller) {
    return this.lists.baseModels(caller);
  }

  @Post('create')
  @ApiOperation({ summary: 'Create a custom model (or, for admins, a base model)' })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateModelDto) {
    return this.models.create(caller, body);
  }

  @Get('model')
  @ApiOperation({ summary: 'One model the caller can read' })
  get(@CurrentCaller() caller: Caller, @Query() query: ModelIdQueryDto) {
    return this.reader.one(caller, query.id);
  }

  @Get('model/profile/image')
  @ApiOperation({ summary: "The model's profile image" })
  async image(@CurrentCaller() caller: Caller, @Query() query: ModelIdQueryDto, @Res() response: Response) {
    const image = profileImageOf((await this.reader.one(caller, query.id)).meta);
    if (image.kind === 'redirect') return response.redirect(302, image.url);
    // Stored images come from users: never let one run script in this origin (SVG).
    response.set({ 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox" });
    response.type(image.contentType).set('X-Content-Type-Options', 'nosniff').send(image.body);
  }

  @Post('model/update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change a model; fields left out keep their value' })
  update(@CurrentCaller() caller: Caller, @Body() body: UpdateModelDto) {
    return this.models.update(caller, body);
  }

  @Post('model/access/update')
  @HttpCode(200)
  @ApiOperation({ summary: "Replace a model's access grants" })
  updateAccess(@CurrentCaller() caller: Caller, @Body() body: UpdateAccessDto) {
    return this.models.updateAccess(caller, body);
  }

  @Post('model/toggle')
  @HttpCode(200)
  @ApiOperation({ summary: 'Flip is_active' })
  toggle(@CurrentCaller() caller: Caller, @Query() query: ModelIdQueryDto) {
    return this.models.toggle(caller, query.id);
  }

  @Post('model/delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a model and its grants' })
  delete(@CurrentCaller() caller: Caller, @Body() body: ModelIdDto) {
    return this.models.delete(caller, body.id);
  }

  @Get('export')
  @ApiOperation({ summary: 'Every model the caller can write, with grants' })
  export(@CurrentCaller() caller: Caller) {
    return this.lists.export(caller);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or overwrite models; one result per model' })
  import(@CurrentCaller() caller: Caller, @Body() body: ImportModelsDto) {
    return this.imports.import(caller, body.models);
  }
}
