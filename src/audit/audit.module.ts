import { Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';
import { AuditRetentionJob } from './audit-retention';

/** The audit log's read route and its retention job; writers record through src/audit/audit.ts inside their own transactions. */
@Module({
  controllers: [AuditLogController],
  providers: [AuditLogService, AuditRetentionJob],
})
export class AuditModule {}
