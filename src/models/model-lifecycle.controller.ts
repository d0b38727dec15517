import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../access/caller';
import { ApiKeysMayWrite } from '../common/decorators';
import { ApiCallerAuth, ApiErrorResponses } from '../common/openapi';
import { BulkModelsDto, BulkResponseDto, CloneModelDto, TransferModelDto } from './dto/model-lifecycle.dto';
import { ModelCreatedResponseDto, ModelResponseDto } from './dto/model-response.dto';
import { ModelBulkService } from './model-bulk.service';
import { ModelLifecycleService } from './model-lifecycle.service';

/**
 * Clone, transfer and bulk changes (docs/api.md, docs/access.md). Full API keys may use them as
 * their user (like the other model changes); read-only keys are stopped by the guard, dry runs included.
 */
@ApiTags('models')
@ApiCallerAuth()
@ApiKeysMayWrite()
@Controller('api/models')
export class ModelLifecycleController {
  constructor(
    private readonly lifecycle: ModelLifecycleService,
    private readonly bulkChanges: ModelBulkService,
  ) {}

  @Post('model/clone')
  @ApiOperation({ summary: 'Copy a custom model the caller can read into a new private model of its own' })
  @ApiCreatedResponse({ type: ModelCreatedResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 409, 503])
  clone(@CurrentCaller() caller: Caller, @Body() body: CloneModelDto): Promise<ModelCreatedResponseDto> {
    return this.lifecycle.clone(caller, body);
  }

  @Post('model/transfer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give a custom model to another user (owner or admin); the old owner keeps write' })
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiErrorResponses([400, 401, 403, 404, 503])
  transfer(@CurrentCaller() caller: Caller, @Body() body: TransferModelDto): Promise<ModelResponseDto> {
    return this.lifecycle.transfer(caller, body);
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Share, unshare, (de)activate, (un)hide or delete every model a filter matches' })
  @ApiOkResponse({ type: BulkResponseDto })
  @ApiErrorResponses([400, 401, 403, 503])
  bulk(@CurrentCaller() caller: Caller, @Body() body: BulkModelsDto): Promise<BulkResponseDto> {
    return this.bulkChanges.run(caller, body);
  }
}
