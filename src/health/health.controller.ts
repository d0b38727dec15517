import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators';
import { ReadReplicas, ReplicaReport } from '../database/read-replicas';

const PROBE_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly replicas: ReadReplicas,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Service and database status; 503 while the primary database is unreachable. With DATABASE_READ_URLS, ' +
      'each read replica as of the last second: up, lagging (skipped), down (skipped) or not-a-replica (skipped)',
  })
  async check(
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: string; database: string; replicas?: ReplicaReport[] }> {
    const up = await this.databaseAnswers();
    if (!up) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    const answer = { status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' };
    // A replica that is down only means reads go to the primary: it never makes the service unhealthy.
    return this.replicas.all.length > 0 ? { ...answer, replicas: this.replicas.reports() } : answer;
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
    const probe = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
