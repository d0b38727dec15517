import { Sql, sql } from '../common/sql';

/**
 * rfc3339 (anthropic.format.ts) in SQL: unix seconds as UTC without fractions. The same text as
 * Date.toISOString for years 1 to 9999 (created_at is the server's clock; docs/gateway.md).
 */
const CREATED_AT = sql`to_char(to_timestamp(s.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * The Anthropic page's models over the gateway list's rows (ModelSummaryRow columns, aliased s), in
 * the list's order: one text column `body` a row, the model's id as JSON, a newline (a JSON string
 * holds no raw newline), then the model's JSON as toAnthropicModel writes it. A row's JSON is
 * compact and escapes text as JSON.stringify does, in the columns' order; json_strip_nulls leaves
 * out the token limits the model does not have (its name is never null). PostgreSQL spends on
 * these rows about what it spent sending the list's columns; the whole page built in SQL (string_agg
 * and a window to number the rows) cost it twice that (README, Performance).
 */
export function anthropicModelsSql(rows: Sql, backwards: boolean): Sql {
  // listableSql's newest or oldest order (oldest for before_id: anthropicList reverses the page).
  const order = backwards ? sql`s.created_at ASC, s.id ASC` : sql`s.created_at DESC, s.id DESC`;
  return sql`SELECT to_json(x.id)::text || chr(10) || json_strip_nulls(to_json(x))::text AS body
    FROM (SELECT 'model' AS type, s.id, s.name AS display_name, ${CREATED_AT} AS created_at,
            s.context_length AS max_input_tokens, s.max_output_tokens AS max_tokens
          FROM (${rows}) s ORDER BY ${order}) x`;
}
