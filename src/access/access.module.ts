import { Module } from '@nestjs/common';
import { AccessExplainService } from './access-explain.service';
import { AccessGrantsService } from './access-grants.service';

@Module({
  providers: [AccessGrantsService, AccessExplainService],
  exports: [AccessGrantsService, AccessExplainService],
})
export class AccessModule {}
