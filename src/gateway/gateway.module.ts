import { Module } from '@nestjs/common';
import { GatewayController } from './gateway.controller';
import { GatewayService } from './gateway.service';
import { ListableModelsService } from './listable-models.service';

@Module({
  controllers: [GatewayController],
  providers: [GatewayService, ListableModelsService],
})
export class GatewayModule {}
