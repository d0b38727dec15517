import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ModelHistoryService } from './history/model-history.service';
import { ChunkWriter } from './import/import-chunk';
import { ModelImportService } from './import/model-import.service';
import { ModelBulkService } from './model-bulk.service';
import { ModelLifecycleController } from './model-lifecycle.controller';
import { ModelLifecycleService } from './model-lifecycle.service';
import { ModelListService } from './model-list.service';
import { ModelReader } from './model-reader.service';
import { ModelRepository } from './model.repository';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';
import { OpenWebUiModelsController, OpenWebUiV1ModelsController } from './openwebui-models.controller';
import { OpenWebUiModelsService } from './openwebui-models.service';

@Module({
  imports: [AccessModule],
  controllers: [ModelsController, ModelLifecycleController, OpenWebUiModelsController, OpenWebUiV1ModelsController],
  providers: [
    ModelsService,
    ModelListService,
    ModelReader,
    ModelRepository,
    ModelImportService,
    ChunkWriter,
    ModelHistoryService,
    OpenWebUiModelsService,
    ModelLifecycleService,
    ModelBulkService,
  ],
  exports: [ModelReader, ModelRepository],
})
export class ModelsModule {}
