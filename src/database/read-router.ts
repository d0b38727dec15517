import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../common/describe-error';
import type { Queryable } from '../common/sql';
import { ReadReplicas, Replica } from './read-replicas';

/** The caller's own latest write, as a WAL position on the primary (migration CallerWritePositions). */
const POSITION_OF = 'SELECT lsn::text AS lsn FROM caller_write_positions WHERE user_id = $1';
const RECORD_POSITION = `INSERT INTO caller_write_positions (user_id, lsn) VALUES ($1, pg_current_wal_insert_lsn())
  ON CONFLICT (user_id) DO UPDATE SET lsn = GREATEST(caller_write_positions.lsn, EXCLUDED.lsn), written_at = now()`;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Set for the whole of a request that may write: every read it makes goes to the primary. */
const writingRequest = new AsyncLocalStorage<boolean>();

/** Express middleware (app.setup.ts): marks requests other than GET/HEAD/OPTIONS as writing. */
export function markWritingRequests(request: Request, _response: Response, next: NextFunction): void {
  writingRequest.run(!READ_METHODS.has(request.method), next);
}

/** True for a method that never writes: its reads may go to a replica. */
export function isReadMethod(method: string): boolean {
  return READ_METHODS.has(method);
}

/**
 * Sends a caller's model reads to a read replica when one can answer them as the primary would for
 * this caller, else to the primary.
 *
 * A caller never misses its own write: after each of its writes the primary's WAL insert position
 * (past the write's commit record) is stored for the caller in the primary, which every instance
 * reads. A replica serves the caller only when, on the very connection that then runs the query,
 * `pg_last_wal_replay_lsn()` is at or past that position; replay only moves forward while that
 * connection lives, so the query sees the write. No clock and no sticky session are involved.
 */
@Injectable()
export class ReadRouter {
  constructor(
    private readonly primary: DataSource,
    private readonly replicas: ReadReplicas,
  ) {}

  /** True when DATABASE_READ_URLS names replicas. */
  get routing(): boolean {
    return this.replicas.all.length > 0;
  }

  /** Where this caller's reads go: the primary itself when there are no replicas. */
  as(caller: { userId: string }): Queryable {
    if (!this.routing) return this.primary;
    return { query: (text: string, values?: unknown[]) => this.read(caller.userId, text, values) };
  }

  /** Remembers, in the primary, the position every later read of this caller must see. */
  async recordWrite(userId: string): Promise<void> {
    if (this.routing) await this.primary.query(RECORD_POSITION, [userId]);
  }

  private async read(userId: string, text: string, values?: unknown[]): Promise<unknown> {
    // A write request reads what it has just written (its answer is the changed model): primary.
    const replica = writingRequest.getStore() === true ? null : this.replicas.pick();
    if (replica) {
      const rows = await this.onReplica(replica, userId, text, values);
      if (rows !== null) return rows;
    }
    return this.primary.query(text, values);
  }

  /** The rows from the replica, or null when it has not replayed the caller's write or failed. */
  private async onReplica(
    replica: Replica,
    userId: string,
    text: string,
    values?: unknown[],
  ): Promise<unknown[] | null> {
    const [written] = await this.primary.query<{ lsn: string }[]>(POSITION_OF, [userId]);
    let client;
    try {
      client = await replica.pool.connect();
    } catch {
      replica.lost();
      return null;
    }
    let broken = false;
    try {
      if (written) {
        const check = await client.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [
          written.lsn,
        ]);
        if (!check.rows[0].ok) return null;
      }
      return (await client.query<Record<string, unknown>>(text, values)).rows;
    } catch (error) {
      // Down, restarting, or a query cancelled by replay (conflict with recovery): the primary answers.
      broken = isDatabaseUnavailable(error);
      if (broken) replica.lost();
      return null;
    } finally {
      client.release(broken);
    }
  }
}
