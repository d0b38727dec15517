import { BadRequestException } from '@nestjs/common';
import type { Sql } from '../common/sql';
import type { ListableQuery, ModelSummaryRow } from '../models/model-read.sql';
import type { ModelJsonCache } from './model-json-cache';

/**
 * Query strings as Express hands them over. Gateway routes read them by hand rather than through
 * a DTO: the global ValidationPipe rejects unknown parameters, and SDKs and tools add their own
 * (`key`, `$alt`, …), which a gateway must ignore.
 */
export type GatewayQuery = Record<string, unknown>;

/** The models the caller may use, as a client family's list reads them to build one page. */
export interface ListableModels {
  list(query: ListableQuery): Promise<ModelSummaryRow[]>;
  /**
   * The same list as JSON text built by PostgreSQL: `shape` wraps the list's statement (its rows
   * as `ModelSummaryRow` columns) into rows with one text column, `body`; their texts in order, as
   * UTF-8 bytes. `prepared`: a named statement planned once per connection (ReadRouter.readTexts),
   * for a statement whose plan does not depend on its values.
   */
  json(query: ListableQuery, shape: (rows: Sql) => Sql, options?: { prepared?: boolean }): Promise<Buffer[]>;
  /** One model of that list, or null when it is absent or not the caller's to list. */
  find(id: string): Promise<ModelSummaryRow | null>;
  /**
   * Models' JSON kept across requests by row version, for a list short enough to keep (an API
   * key's allow-list of at most KEPT_LIST_MAX_IDS ids); absent otherwise. OpenAI's format uses it.
   */
  modelJson?: ModelJsonCache;
}

/** One value of a query parameter; absent or empty is undefined, repeated is a 400. */
export function queryParam(query: GatewayQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new BadRequestException(`${name}: give at most one value`);
  return value;
}

/** An integer parameter within [min, max], or `fallback` when absent. */
export function intParam(query: GatewayQuery, name: string, range: { min: number; max: number; fallback: number }) {
  const raw = queryParam(query, name);
  if (raw === undefined) return range.fallback;
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= range.min && value <= range.max)) {
    throw new BadRequestException(`${name}: must be an integer from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return value;
}
