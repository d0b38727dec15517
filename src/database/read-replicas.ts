import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../common/describe-error';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { lagSeconds, parseLsn, WalSample } from './wal-position';

/** How often the primary's position and each replica's replay are read. */
const POLL_MS = 1000;
const PROBE_TIMEOUT_MS = 2000;

export type ReplicaStatus = 'up' | 'lagging' | 'down' | 'not-a-replica';

/** What /health says of one replica. */
export interface ReplicaReport {
  /** The URL without user or password. */
  url: string;
  status: ReplicaStatus;
  /** Seconds behind the primary, to within the 1 s poll; null while down. */
  lag_seconds: number | null;
}

/** A pooled replica connection taken by `Replica.checkOut`: release it exactly once. */
export interface CheckedOut {
  client: PoolClient;
  /** The server ended the connection while it was out. */
  dropped: boolean;
  /** Back to the pool; a broken or dropped connection is closed instead. */
  release(broken: boolean): void;
}

/** One configured replica, its connection pool and what the last poll found. */
export class Replica {
  readonly pool: Pool;
  status: ReplicaStatus = 'down';
  lag: number | null = null;

  constructor(
    readonly url: string,
    poolSize: number,
  ) {
    this.pool = new Pool({
      connectionString: url,
      max: poolSize,
      // A replica that does not answer is skipped: fail fast and let the primary serve.
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      statement_timeout: 30000,
    });
    this.pool.on('error', () => undefined); // An idle connection dropped: the next poll reports it.
  }

  /**
   * A connection from the pool, listened to while it is out. pg-pool listens for an idle
   * connection's errors but not for one checked out: a replica shut down between two statements
   * (57P01 arriving with no query in flight) would be an unhandled 'error' event and end the
   * process. Here it only marks the connection `dropped`; its next statement is refused as usual.
   */
  async checkOut(): Promise<CheckedOut> {
    const client = await this.pool.connect();
    const out: CheckedOut = {
      client,
      dropped: false,
      release: (broken: boolean) => {
        client.removeListener('error', onError);
        client.release(broken || out.dropped);
      },
    };
    const onError = (): void => {
      out.dropped = true;
    };
    client.on('error', onError);
    return out;
  }

  report(): ReplicaReport {
    return { url: withoutCredentials(this.url), status: this.status, lag_seconds: this.lag };
  }

  /** Marks it down at once (a query found it unreachable): reads stop going there until a poll finds it up. */
  lost(): void {
    this.status = 'down';
    this.lag = null;
  }
}

/**
 * The read replicas of DATABASE_READ_URLS and their state, polled every second: a replica serves
 * reads only while it answers, is in recovery (a standby, not a promoted copy) and is at most
 * READ_REPLICA_MAX_LAG seconds behind the primary. Lag is measured in WAL positions, so an idle
 * primary does not make its replicas look behind.
 */
@Injectable()
export class ReadReplicas implements OnModuleInit, OnModuleDestroy {
  readonly all: Replica[];
  private samples: WalSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private readonly logger = new Logger('ReadReplicas');

  constructor(
    private readonly primary: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.all = config.databaseReadUrls.map((url) => new Replica(url, config.dbPoolSize));
  }

  async onModuleInit(): Promise<void> {
    if (this.all.length === 0) return;
    await this.poll();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.all.map((replica) => replica.pool.end().catch(() => undefined)));
  }

  /** A replica fit to serve reads now (round robin over those that are up), or null. */
  pick(): Replica | null {
    const usable = this.all.filter((replica) => replica.status === 'up');
    if (usable.length === 0) return null;
    this.next = (this.next + 1) % usable.length;
    return usable[this.next];
  }

  reports(): ReplicaReport[] {
    return this.all.map((replica) => replica.report());
  }

  /** Reads the primary's position, then each replica's replay position, and updates their state. */
  async poll(): Promise<void> {
    const now = Date.now();
    try {
      const [row] = await this.primary.query<{ lsn: string }[]>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
      this.samples.push({ at: now, lsn: parseLsn(row.lsn) });
    } catch {
      // The primary is down: keep the replicas' last state; /health reports the primary.
    }
    const keepMs = (this.config.readReplicaMaxLagSeconds + 5) * 1000;
    this.samples = this.samples.filter(
      (sample, index) => index === this.samples.length - 1 || now - sample.at <= keepMs,
    );
    await Promise.all(this.all.map((replica) => this.check(replica, now)));
  }

  private async check(replica: Replica, now: number): Promise<void> {
    const before = replica.status;
    let out: CheckedOut | null = null;
    let broken = false;
    try {
      out = await replica.checkOut();
      const { rows } = await out.client.query<{ standby: boolean; lsn: string | null }>(
        'SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS lsn',
      );
      const { standby, lsn } = rows[0];
      if (!standby || lsn === null) {
        replica.status = 'not-a-replica';
        replica.lag = null;
      } else {
        replica.lag = Math.round(lagSeconds(this.samples, parseLsn(lsn), now) * 10) / 10;
        replica.status = replica.lag > this.config.readReplicaMaxLagSeconds ? 'lagging' : 'up';
      }
    } catch (error) {
      if (!isDatabaseUnavailable(error)) this.logger.warn(`replica check failed: ${String(error)}`);
      replica.lost();
      broken = true;
    } finally {
      out?.release(broken);
    }
    if (replica.status !== before) {
      this.logger.log(`read replica ${withoutCredentials(replica.url)}: ${replica.status}`);
    }
  }
}

function withoutCredentials(raw: string): string {
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  return url.toString();
}
