import type { DataSource } from 'typeorm';
import { readablePredicate } from '../../src/access/access-rules';
import type { Caller } from '../../src/access/caller';
import { Sql, sql, toStatement } from '../../src/common/sql';
import { ListParams, listFilters } from '../../src/models/model-read.sql';
import type { World } from './random-world';

/** A person of a random world as the list sees them (signed in; `bypass` for an admin's unfiltered view). */
export const worldCaller = (world: World, person: number, bypass = false): Caller => ({
  userId: world.people[person].id,
  name: world.people[person].actor.name,
  via: 'token',
  groupIds: world.people[person].groups,
  isAdmin: bypass,
  bypass,
  keyGroupId: null,
  keyModels: null,
  readOnly: false,
});

/**
 * The oracle for every kept or split count: each match on models, tested with the one readable
 * rule. public-models.e2e and model-counts.e2e compare the list's own count with it.
 */
export const plainCountSql = (caller: Caller, params: ListParams): Sql =>
  sql`SELECT count(*)::int AS total FROM models m WHERE ${listFilters(caller, params)} AND ${readablePredicate(caller)}`;

/** Runs a `SELECT … AS total` statement. */
export async function countOf(dataSource: DataSource, statement: Sql): Promise<number> {
  const { text, values } = toStatement(statement);
  const rows: Array<{ total: number }> = await dataSource.query(text, values);
  return rows[0].total;
}
