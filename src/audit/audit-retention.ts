import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { queryRows, type Queryable, sql } from '../common/sql';

/** How often each instance prunes; instances pruning at once take turns (audit_log_prune's lock). */
export const AUDIT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const BATCH = 10_000;

/**
 * Deletes the audit records older than `keepDays` days (at least 30: the database refuses
 * younger ones whatever it is asked), BATCH at a time, each batch its own transaction so no lock
 * or WAL burst grows with the backlog. Returns how many went. The only way records leave the log.
 */
export async function pruneAuditLog(db: Queryable, keepDays: number, signal?: AbortSignal): Promise<number> {
  let total = 0;
  while (signal?.aborted !== true) {
    const [{ deleted }] = await queryRows<{ deleted: number }>(
      db,
      sql`SELECT audit_log_prune(${keepDays}::int, ${BATCH}::int) AS deleted`,
    );
    total += deleted;
    if (deleted < BATCH) break;
  }
  return total;
}

/** Prunes the audit log at start and every hour when AUDIT_RETENTION_DAYS is set (docs/audit.md). */
@Injectable()
export class AuditRetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  /** Stops a long prune between batches at shutdown; the next start goes on where it stopped. */
  private readonly stopping = new AbortController();
  private readonly logger = new Logger('AuditRetention');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  onApplicationBootstrap(): void {
    const keepDays = this.config.auditRetentionDays;
    if (keepDays === null) return;
    this.running = this.prune(keepDays);
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.prune(keepDays));
    }, AUDIT_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  private async prune(keepDays: number): Promise<void> {
    try {
      const deleted = await pruneAuditLog(this.dataSource, keepDays, this.stopping.signal);
      if (deleted > 0) this.logger.log(`Pruned ${deleted} audit records older than ${keepDays} days`);
    } catch (error) {
      // The database may be away for a moment; the next hour tries again.
      this.logger.warn(`Pruning the audit log failed: ${(error as Error).message}`);
    }
  }
}
