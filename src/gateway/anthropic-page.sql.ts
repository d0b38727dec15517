import { Sql, sql } from '../common/sql';

/** A JSON value of a column as JSON.stringify writes it: strings escaped alike, null for NULL. */
const json = (column: Sql) => sql`COALESCE(to_json(${column})::text, 'null')`;

/**
 * rfc3339 (anthropic.format.ts) in SQL: unix seconds as UTC without fractions. The same text as
 * Date.toISOString for years 1 to 9999 (created_at is the server's clock; docs/gateway.md).
 */
const CREATED_AT = sql`to_char(to_timestamp(s.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** One model's JSON as toAnthropicModel writes it, over a gateway list row `s`. */
const anthropicModelJson = sql`'{"type":"model","id":' || ${json(sql`s.id`)}
    || ',"display_name":' || ${json(sql`s.name`)} || ',"created_at":"' || ${CREATED_AT} || '"'
    || CASE WHEN s.context_length IS NULL THEN '' ELSE ',"max_input_tokens":' || s.context_length::text END
    || CASE WHEN s.max_output_tokens IS NULL THEN '' ELSE ',"max_tokens":' || s.max_output_tokens::text END
    || '}'`;

/**
 * toAnthropicPage as SQL over the gateway list's rows (ModelSummaryRow columns, in the page's
 * order, `limit` + 1 of them to tell whether the list goes on): one row, one text column `body`,
 * the page's whole JSON. `backwards` (before_id): the rows come oldest first and the page shows
 * them newest first, as anthropicList reverses them.
 */
export function anthropicPageJsonSql(rows: Sql, limit: number, backwards: boolean): Sql {
  // The list's own order (listableSql's newest or oldest), numbered; the page reads it backwards for before_id.
  const listed = backwards ? sql`s.created_at ASC, s.id ASC` : sql`s.created_at DESC, s.id DESC`;
  const direction = backwards ? sql`DESC` : sql`ASC`;
  const first = backwards ? sql`p.ids[cardinality(p.ids)]` : sql`p.ids[1]`;
  const last = backwards ? sql`p.ids[1]` : sql`p.ids[cardinality(p.ids)]`;
  return sql`SELECT '{"data":[' || COALESCE(p.items, '') || '],"first_id":' || COALESCE(${first}, 'null')
      || ',"last_id":' || COALESCE(${last}, 'null')
      || ',"has_more":' || CASE WHEN p.listed > ${limit}::int THEN 'true' ELSE 'false' END || '}' AS body
    FROM (SELECT string_agg(r.model, ',' ORDER BY r.n ${direction}) FILTER (WHERE r.n <= ${limit}::int) AS items,
            array_agg(r.id ORDER BY r.n) FILTER (WHERE r.n <= ${limit}::int) AS ids, count(*) AS listed
          FROM (SELECT ${anthropicModelJson} AS model, ${json(sql`s.id`)} AS id, row_number() OVER (ORDER BY ${listed}) AS n
                FROM (${rows}) s) r) p`;
}
