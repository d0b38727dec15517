import type { Caller } from '../../src/access/caller';
import { escapeLike, Sql, sql, SqlStatement, toStatement } from '../../src/common/sql';
import { ListParams, PAGE_SIZE } from '../../src/models/model-read.sql';

/**
 * THE INCUMBENT: Open WebUI's workspace model list (v0.11, Models.search_models) written as SQL,
 * on the copies of the tables in schema `incumbent` (bench/seed/incumbent-tables.ts) that keep
 * only what Open WebUI indexes: primary keys and a grants-by-principal index. No derived columns:
 * search is ILIKE over the model and its owner, tags are a LIKE over the meta JSON text, access is
 * a correlated EXISTS over grants.
 */
const SORT: Record<ListParams['orderBy'], Sql> = {
  name: sql`m.name`,
  created_at: sql`m.created_at`,
  updated_at: sql`m.updated_at`,
};

function accessFilter(caller: Caller): Sql {
  const user = sql.param(caller.userId);
  return sql`(m.user_id = ${user}::uuid OR EXISTS (SELECT 1 FROM incumbent.access_grant g
    WHERE g.resource_id = m.id AND g.permission IN ('read', 'write')
      AND ((g.principal_type = 'user' AND g.principal_id IN ('*', ${user}::text))
        OR (g.principal_type = 'group' AND g.principal_id = ANY(${caller.groupIds}::text[])))))`;
}

function filters(caller: Caller, params: ListParams): Sql {
  const where = [sql`m.base_model_id IS NOT NULL`];
  if (!caller.bypass) where.push(accessFilter(caller));
  if (params.query) {
    const q = sql.param(`%${escapeLike(params.query)}%`);
    const fields = [
      sql`m.name`,
      sql`m.id`,
      sql`m.base_model_id`,
      sql`m.meta->>'description'`,
      sql`u.name`,
      sql`u.email`,
      sql`u.username`,
    ];
    where.push(
      sql`(${sql.join(
        fields.map((field) => sql`${field} ILIKE ${q}`),
        sql` OR `,
      )})`,
    );
  }
  if (params.viewOption === 'created') where.push(sql`m.user_id = ${caller.userId}::uuid`);
  if (params.viewOption === 'shared') where.push(sql`m.user_id IS DISTINCT FROM ${caller.userId}::uuid`);
  if (params.tag) where.push(sql`m.meta::text LIKE ${`%"name": "${escapeLike(params.tag.toLowerCase())}"%`}`);
  return sql.join(where, sql` AND `);
}

const FROM = sql`FROM incumbent.model m LEFT JOIN incumbent."user" u ON u.id = m.user_id`;

/** The count and the page, as Open WebUI sends them: one after the other. */
export function incumbentListSql(caller: Caller, params: ListParams): { count: SqlStatement; page: SqlStatement } {
  const count = sql`SELECT count(*)::int AS total ${FROM} WHERE ${filters(caller, params)}`;
  const order = params.direction === 'asc' ? sql`ASC` : sql`DESC`;
  const page = sql`SELECT m.*, u.id AS owner_id, u.name AS owner_name, u.email AS owner_email, u.username AS owner_username,
        u.role AS owner_role ${FROM} WHERE ${filters(caller, params)}
      ORDER BY ${SORT[params.orderBy]} ${order}, m.id ${order} LIMIT ${sql.raw(PAGE_SIZE)} OFFSET ${(params.page - 1) * PAGE_SIZE}`;
  return { count: toStatement(count), page: toStatement(page) };
}
