import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../access/caller';
import { ApiCallerAuth, ApiErrorResponses } from '../common/openapi';
import { AuditPageDto, AuditQueryDto } from './audit-log.dto';
import { AuditLogService } from './audit-log.service';

/** The audit log, read-only: no route changes or deletes a record (docs/audit.md). */
@ApiTags('audit')
@ApiCallerAuth()
@Controller('api/audit')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @ApiOperation({ summary: 'Audit records, newest first, 30 a page (admins: all; others: models they can write)' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrorResponses([400, 401, 403, 503])
  page(@CurrentCaller() caller: Caller, @Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.audit.page(caller, query);
  }
}
