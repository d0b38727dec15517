import { Inject, Injectable, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { primaryPool, SIGN_IN_FAILURES_TABLE } from '../database/shared-state';
import { normaliseEmail } from '../users/dto/user-fields';

export const SIGN_IN_MAX_FAILURES = 10;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

/**
 * Failed sign-ins per email (case-insensitive): 10 failures within 15 minutes of the first one
 * refuse the email (429) for 15 minutes from the 10th. The counts live in PostgreSQL (table
 * sign_in_failures, made by a migration), or in Redis when REDIS_URL is set, so every instance
 * counts the same failures and a restart forgets nothing. Counting is rate-limiter-flexible's.
 * Keys are a hash of the email: the table does not collect the addresses people probe with.
 */
@Injectable()
export class SignInThrottle implements OnModuleDestroy {
  private readonly limiter: RateLimiterStoreAbstract;
  private readonly redis: Redis | null;

  constructor(dataSource: DataSource, @Inject(APP_CONFIG) config: RuntimeConfig) {
    const options = { keyPrefix: 'sign-in', points: SIGN_IN_MAX_FAILURES, duration: SIGN_IN_WINDOW_SECONDS };
    if (config.redisUrl) {
      // No offline queue: with Redis down a sign-in fails at once (503) instead of waiting.
      this.redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      this.redis.on('error', () => undefined); // Reported per request (503); ioredis reconnects by itself.
      this.limiter = new RateLimiterRedis({ ...options, storeClient: this.redis });
    } else {
      this.redis = null;
      this.limiter = new RateLimiterPostgres({
        ...options,
        storeClient: primaryPool(dataSource),
        storeType: 'pool',
        tableName: SIGN_IN_FAILURES_TABLE,
        tableCreated: true,
      });
    }
  }

  /** Seconds until this email may try again; 0 when it may now. */
  async retryAfterSeconds(email: string): Promise<number> {
    const counted = await this.store(() => this.limiter.get(key(email)));
    if (!counted || counted.consumedPoints < SIGN_IN_MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
  }

  async recordFailure(email: string): Promise<void> {
    const counted = await this.store(() => this.limiter.penalty(key(email)));
    if (counted.consumedPoints >= SIGN_IN_MAX_FAILURES) {
      await this.store(() => this.limiter.block(key(email), SIGN_IN_WINDOW_SECONDS));
    }
  }

  async reset(email: string): Promise<void> {
    await this.store(() => this.limiter.delete(key(email)));
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  /** A store that does not answer refuses sign-ins (503) rather than letting them through uncounted. */
  private async store<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error)
        throw new ServiceUnavailableException('Sign-in is unavailable: its throttle store does not answer');
      throw error;
    }
  }
}

function key(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex');
}
