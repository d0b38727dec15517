import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientBase, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { AuthUser } from '../common/auth-user';
import { isDatabaseUnavailable } from '../common/describe-error';
import type { Queryable } from '../common/sql';
import { changeScopesOf } from './change-tracking';
import { ReadReplicas, Replica } from './read-replicas';
import { preparedName, readTextColumn } from './text-rows';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request being served, so reads made for it know its method and its caller's change version. */
const currentRequest = new AsyncLocalStorage<Request>();

/** Express middleware (app.setup.ts, after the body parsers): makes the request known to the router. */
export function bindRequestToReads(request: Request, _response: Response, next: NextFunction): void {
  currentRequest.run(request, next);
}

/**
 * The replica has replayed every change the primary had when the request's caller was read: its
 * change counters of the caller's scopes (src/database/change-tracking.ts) add up to at least the
 * caller's version.
 */
const REPLAYED_UP_TO =
  'SELECT coalesce((SELECT sum(version) FROM change_counters WHERE scope = ANY($2::text[])), 0) >= $1::numeric AS ok';

/**
 * Sends the model reads of GET requests to a read replica when one can answer them as the primary
 * would have when the request began, else to the primary (docs/scaling.md, "Read replicas").
 *
 * Every request reads its caller and the registry's change version from the primary first (one
 * statement, AuthUserLoader). A replica serves a read only if, on the very connection that then
 * runs it, its change counters add up to at least that version: every change to models, grants or
 * owners visible at the start of the request, the caller's own writes included, is in what the
 * replica shows, and replay only moves forward while that connection lives. So a caller never
 * misses its own write (on any instance: the version is in the database), and the ETag built from
 * the version never names an older answer. No clock, no sticky session, no cookie.
 */
@Injectable()
export class ReadRouter {
  constructor(
    private readonly primary: DataSource,
    private readonly replicas: ReadReplicas,
  ) {}

  /** Where reads go: the primary itself when DATABASE_READ_URLS names no replica. */
  reads(): Queryable {
    if (this.replicas.all.length === 0) return this.primary;
    return { query: (text: string, values?: unknown[]) => this.read(text, values) };
  }

  /**
   * The first column of each row as UTF-8 bytes, each converted as its row arrives (readTextColumn),
   * from where reads() would run the statement: for answers PostgreSQL writes as text.
   * `prepared` makes it a named statement (preparedName), parsed once per connection and, after
   * PostgreSQL's first five custom plans, run on one generic plan: only for a statement whose plan
   * is the same whatever its values (docs/gateway.md, "The key's statement").
   */
  async readTexts(text: string, values: unknown[], options: { prepared?: boolean } = {}): Promise<Buffer[]> {
    const name = options.prepared ? preparedName(text) : undefined;
    const run = (client: ClientBase) => readTextColumn(client, text, values, name);
    const replica = this.replicaForRequest();
    if (replica) {
      const texts = await this.onReplica(replica.replica, replica.versionAndScopes, run);
      if (texts !== null) return texts;
    }
    return this.onPrimary(run);
  }

  private async read(text: string, values?: unknown[]): Promise<unknown> {
    const replica = this.replicaForRequest();
    if (replica) {
      const rows = await this.onReplica(replica.replica, replica.versionAndScopes, async (client) => {
        return (await client.query<Record<string, unknown>>(text, values)).rows;
      });
      if (rows !== null) return rows;
    }
    return this.primary.query(text, values);
  }

  /** The replica to try for the request being served, with what it must have replayed; null for the primary. */
  private replicaForRequest(): { replica: Replica; versionAndScopes: [string, string[]] } | null {
    if (this.replicas.all.length === 0) return null;
    const request = currentRequest.getStore();
    // Set by the global guard, which read it from the primary with the caller.
    const user = (request as (Request & { user?: AuthUser }) | undefined)?.user;
    const version = user?.changeVersion;
    // A request that may write reads what it has just written (its answer shows the change).
    const replica = version !== undefined && READ_METHODS.has(request!.method) ? this.replicas.pick() : null;
    return replica ? { replica, versionAndScopes: [version!, changeScopesOf(user!)] } : null;
  }

  /** A pooled primary connection for `run`, as DataSource.query takes one; closed if the server broke it. */
  private async onPrimary<T>(run: (client: ClientBase) => Promise<T>): Promise<T> {
    const driver = this.primary.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
    try {
      const result = await run(client);
      release();
      return result;
    } catch (error) {
      release(isDatabaseUnavailable(error) ? error : undefined);
      throw error;
    }
  }

  /** What `run` answers on the replica, or null when it has not replayed up to `version` or failed. */
  private async onReplica<T>(
    replica: Replica,
    versionAndScopes: [string, string[]],
    run: (client: ClientBase) => Promise<T>,
  ): Promise<T | null> {
    let out;
    try {
      out = await replica.checkOut();
    } catch {
      replica.lost();
      return null;
    }
    let broken = false;
    try {
      const check = await out.client.query<{ ok: boolean }>(REPLAYED_UP_TO, versionAndScopes);
      if (!check.rows[0].ok) return null;
      return await run(out.client);
    } catch (error) {
      // Down, restarting, or a query cancelled by replay (conflict with recovery): the primary answers.
      broken = isDatabaseUnavailable(error);
      if (broken) replica.lost();
      return null;
    } finally {
      out.release(broken);
    }
  }
}
