import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { GatewayController } from './gateway.controller';
import { GatewayService } from './gateway.service';

@Module({
  imports: [ModelsModule],
  controllers: [GatewayController],
  providers: [GatewayService],
})
export class GatewayModule {}
