import { Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';

/** The audit log's read route; writers record through src/audit/audit.ts inside their own transactions. */
@Module({
  controllers: [AuditLogController],
  providers: [AuditLogService],
})
export class AuditModule {}
