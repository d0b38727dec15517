import {
  grantedToPredicate,
  hasKeyNarrowing,
  privateGrantCountSql,
  readableParts,
  readablePredicate,
  writablePredicate,
} from '../access/access-rules';
import type { Caller } from '../access/caller';
import type { UserRole } from '../common/user-role';
import { escapeLike, Sql, sql } from '../common/sql';
import type { OrderBy } from './dto/list-models-query.dto';
import { hasModelFilters, ModelFilters } from './model-filters';
import type { EndpointType, ModelPricing } from './model.entity';

/**
 * Every statement that reads models, as pure builders of `Sql` (ModelRepository runs them; the
 * bench runs and explains the list ones). Models are aliased m, their base model b, the owner u;
 * who may see what comes from access-rules.ts. Writes stay with the services that make them.
 */

/**
 * A model as every read shows it: what a custom model leaves unset (owned_by, endpoint types,
 * pricing, token limits) already taken from its base model. The gateway reads only this.
 */
export interface ModelSummaryRow {
  id: string;
  base_model_id: string | null;
  name: string;
  /** In the gateway's summary only the description. */
  meta: Record<string, unknown>;
  owned_by: string | null;
  supported_endpoint_types: EndpointType[];
  pricing: ModelPricing | null;
  context_length: number | null;
  max_output_tokens: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * A model as the workspace routes read it: all of it, its owner, and whether the caller may write
 * it. Exports read the model's own values: there an inherited field is null (endpoint types too).
 */
export interface ModelRow extends Omit<ModelSummaryRow, 'supported_endpoint_types'> {
  supported_endpoint_types: EndpointType[] | null;
  user_id: string | null;
  version: number;
  params: Record<string, unknown>;
  is_active: boolean;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  owner_username: string | null;
  owner_role: UserRole | null;
  write_access: boolean;
}

export interface ModelAccessRow {
  can_read: boolean;
  can_write: boolean;
  base_model_id: string | null;
}

/** Base-model inheritance, in one place; a base model without endpoint types serves chat. */
const INHERITED_COLUMNS = sql`COALESCE(m.owned_by, b.owned_by) AS owned_by,
  COALESCE(m.supported_endpoint_types, b.supported_endpoint_types, '{chat}') AS supported_endpoint_types,
  COALESCE(m.pricing, b.pricing) AS pricing, COALESCE(m.context_length, b.context_length) AS context_length,
  COALESCE(m.max_output_tokens, b.max_output_tokens) AS max_output_tokens`;

/** A custom model's own values, null where it inherits: what an export carries, so that importing it changes nothing. */
const OWN_COLUMNS = sql`m.owned_by, m.supported_endpoint_types, m.pricing, m.context_length, m.max_output_tokens`;

function modelColumns(inheritable: Sql): Sql {
  return sql`m.id, m.user_id, m.base_model_id, m.name, m.is_active, ${inheritable},
  m.created_at, m.updated_at, m.version, m.params, m.meta,
  u.id AS owner_id, u.name AS owner_name, u.email AS owner_email, u.username AS owner_username, u.role AS owner_role`;
}

const MODEL_COLUMNS = modelColumns(INHERITED_COLUMNS);

/** No params, no owner, and of meta only the description: a list of hundreds of models carries no system prompts or inline images. */
const MODEL_SUMMARY_COLUMNS = sql`m.id, m.base_model_id, m.name, ${INHERITED_COLUMNS}, m.created_at, m.updated_at,
  jsonb_strip_nulls(jsonb_build_object('description', m.meta->'description')) AS meta`;

const BASE_MODEL_JOIN = sql`LEFT JOIN models b ON b.id = m.base_model_id`;

/**
 * Which row versions a listed model's summary was read from: the transaction ids that wrote its row
 * and its base model's row (`xmin`). Every write of either row gives it a new one, whatever the
 * write path, and one transaction writes an id's row at most once as others see it; so a summary
 * built from these versions can be kept until this changes (the gateway's per-model JSON, openai.format.ts).
 */
const SUMMARY_VERSION = sql`m.xmin::text || ':' || COALESCE(b.xmin::text, '') AS row_version`;

/**
 * The content filters (model-filters.ts) as predicates on m and its base model b, on the values
 * as shown (inherited ones included): the workspace list and the gateway lists both use these.
 */
export function modelFilterPredicates(filters: ModelFilters): Sql[] {
  const where: Sql[] = [];
  if (filters.endpointTypes.length > 0) {
    where.push(
      sql`COALESCE(m.supported_endpoint_types, b.supported_endpoint_types, '{chat}') && ${filters.endpointTypes}::text[]`,
    );
  }
  if (filters.ownedBy.length > 0) where.push(sql`COALESCE(m.owned_by, b.owned_by) = ANY(${filters.ownedBy}::text[])`);
  if (filters.capabilities.length > 0) {
    // One containment for all of them, served by models_capabilities_idx.
    const wanted = Object.fromEntries(filters.capabilities.map((name) => [name, true]));
    where.push(sql`(m.meta->'capabilities') @> ${JSON.stringify(wanted)}::jsonb`);
  }
  if (filters.minContextLength !== null) {
    where.push(sql`COALESCE(m.context_length, b.context_length) >= ${filters.minContextLength}`);
  }
  if (filters.maxInputPrice !== null) {
    // Models without a price (or with a null input price) are left out; prices are stored as JSON numbers.
    const price = sql`COALESCE(m.pricing, b.pricing)->'input_per_million'`;
    where.push(
      sql`(CASE WHEN jsonb_typeof(${price}) = 'number' THEN (${price})::numeric <= ${filters.maxInputPrice}::numeric ELSE false END)`,
    );
  }
  return where;
}

/** The base-model join a filtered list needs for inherited values; none otherwise. */
function filterJoin(filters: ModelFilters | undefined): Sql {
  return hasModelFilters(filters) ? sql` ${BASE_MODEL_JOIN}` : sql.empty;
}
const MODEL_JOINS = sql`LEFT JOIN users u ON u.id = m.user_id ${BASE_MODEL_JOIN}`;

/** Models matching `condition` that the caller can read, with write access, in id order. */
function readableModelsSql(caller: Caller, condition: Sql, columns = MODEL_COLUMNS): Sql {
  return sql`SELECT ${columns}, ${writablePredicate(caller)} AS write_access
       FROM models m ${MODEL_JOINS}
       WHERE ${condition} AND ${readablePredicate(caller)}
       ORDER BY m.id`;
}

/** The model with this id, if the caller can read it. */
export function readableModelSql(caller: Caller, id: string): Sql {
  return readableModelsSql(caller, sql`m.id = ${id}`);
}

/** The base models the caller can build on (can read), optionally only those with a tag. */
export function baseModelsSql(caller: Caller, options: { tag?: string | null } = {}): Sql {
  const where = [sql`m.base_model_id IS NULL`];
  if (options.tag) where.push(sql`m.tags @> ARRAY[${options.tag.trim().toLowerCase()}]::text[]`);
  return readableModelsSql(caller, sql.join(where, sql` AND `));
}

/** Sorted distinct tag names over the base models the caller can build on. */
export function baseTagsSql(caller: Caller): Sql {
  return sql`SELECT DISTINCT t.tag COLLATE "C" AS tag FROM models m, unnest(m.tags) AS t(tag)
       WHERE m.base_model_id IS NULL AND ${readablePredicate(caller)}
       ORDER BY 1`;
}

/**
 * Open WebUI's model list (GET /api/models): active models the caller can read, narrowed by its
 * API key like the gateway's, leaving out custom models whose base model is disabled.
 */
export function activeModelsSql(caller: Caller): Sql {
  return readableModelsSql(caller, sql`m.is_active AND (b.id IS NULL OR b.is_active)`);
}

/** Every custom model (admin settings: GET /api/v1/models/all). */
export function customModelsSql(caller: Caller): Sql {
  return readableModelsSql(caller, sql`m.base_model_id IS NOT NULL`);
}

/**
 * The export: every model the caller can write, or only those of `ids` among them, with their own
 * values (an inherited field null), so that importing the export changes nothing.
 */
export function writableModelsSql(caller: Caller, ids?: string[]): Sql {
  const where =
    ids === undefined ? writablePredicate(caller) : sql`m.id = ANY(${ids}::text[]) AND ${writablePredicate(caller)}`;
  return readableModelsSql(caller, where, modelColumns(OWN_COLUMNS));
}

/** What the caller may do with one model; `lock` holds its row until the transaction ends. */
export function modelAccessSql(caller: Caller, id: string, options: { lock: boolean }): Sql {
  return sql`SELECT ${readablePredicate(caller)} AS can_read, ${writablePredicate(caller)} AS can_write,
              m.base_model_id
       FROM models m WHERE m.id = ${id}${options.lock ? sql` FOR UPDATE` : sql``}`;
}

/** Sorted distinct tag names over the custom models the caller can read. */
export function tagsSql(caller: Caller): Sql {
  return sql`SELECT DISTINCT t.tag COLLATE "C" AS tag FROM models m, unnest(m.tags) AS t(tag)
       WHERE m.base_model_id IS NOT NULL AND ${readablePredicate(caller)}
       ORDER BY 1`;
}

// ---- The workspace list (GET /api/models/list) ----

export const PAGE_SIZE = 30;

export interface ListParams {
  query: string | null;
  viewOption: 'created' | 'shared' | null;
  tag: string | null;
  orderBy: OrderBy;
  direction: 'asc' | 'desc';
  page: number;
  /**
   * Users whose name, email or username match `query` (searchOwnersSql), when looked up before:
   * PostgreSQL then plans with the real owners (none, most often) instead of guessing how many a
   * subquery returns, a guess that made it walk every model for a rare word. Without them the
   * statement looks the owners up itself.
   */
  owners?: string[];
  /** The content filters; absent: none. */
  filters?: ModelFilters;
}

/** At most this many matching owners travel as a parameter; more and the statement looks them up. */
export const MAX_LISTED_OWNERS = 1000;

/** Ids of the users a list search matches through the owner (users_search_trgm_idx), one more than the cap. */
export function searchOwnersSql(query: string): Sql {
  const pattern = `%${escapeLike(query.toLowerCase())}%`;
  return sql`SELECT us.id FROM users us WHERE us.search LIKE ${pattern} LIMIT ${MAX_LISTED_OWNERS + 1}`;
}

const SORT_COLUMN: Record<OrderBy, Sql> = {
  name: sql`m.name_sort`,
  created_at: sql`m.created_at`,
  updated_at: sql`m.updated_at`,
};

const DIRECTION: Record<ListParams['direction'], Sql> = { asc: sql`ASC`, desc: sql`DESC` };

/**
 * What the list filters on (not how it sorts or pages); bulk changes take the same, less the
 * content `filters` (those need the base-model join, which bulk statements do not make).
 */
export type ListFilterParams = Pick<ListParams, 'query' | 'viewOption' | 'tag' | 'owners' | 'filters'>;

/** The list's own filters (custom models, view, then what narrows by content), without the access rule; bulk changes reuse them. */
export function listFilters(caller: Caller, params: ListFilterParams): Sql {
  return sql.join([...viewFilters(caller, params), ...contentFilters(params)], sql` AND `);
}

function viewFilters(caller: Caller, params: ListFilterParams): Sql[] {
  const where = [sql`m.base_model_id IS NOT NULL`];
  if (params.viewOption === 'created') where.push(sql`m.user_id = ${caller.userId}::uuid`);
  if (params.viewOption === 'shared') where.push(sql`m.user_id IS DISTINCT FROM ${caller.userId}::uuid`);
  return where;
}

/** A tag as models store it (model-search.ts, normaliseTags). */
const normalTag = (tag: string): string => tag.trim().toLowerCase();

/** Filters on what a model is (not whose): a list with any is counted from the models' indexes. */
function contentFilters(params: ListFilterParams): Sql[] {
  const where: Sql[] = [];
  if (params.tag !== null) where.push(sql`m.tags @> ARRAY[${normalTag(params.tag)}]::text[]`);
  if (params.query !== null && params.query !== '') {
    // Search columns hold lower-cased text (model-search.ts), so LIKE here is case-insensitive.
    // Owners are matched through their own trigram index; ANY(ARRAY(...)) lets PostgreSQL OR
    // that with the models' trigram index instead of scanning every model.
    const pattern = sql.param(`%${escapeLike(params.query.toLowerCase())}%`);
    const owners =
      params.owners === undefined
        ? sql`ARRAY(SELECT us.id FROM users us WHERE us.search LIKE ${pattern})`
        : sql`${params.owners}::uuid[]`;
    where.push(
      params.owners?.length === 0
        ? sql`m.search LIKE ${pattern}`
        : sql`(m.search LIKE ${pattern} OR m.user_id = ANY(${owners}))`,
    );
  }
  if (params.filters) where.push(...modelFilterPredicates(params.filters));
  return where;
}

/**
 * Counts every match across all pages. A list filtered by tag or query alone, for a caller the
 * rule splits (readableParts), adds its public and private matches (splitFilteredCountSql). Any
 * other filtered list or a narrowed key counts its readable matches on the models, where the
 * filter's index and `readers` meet in one bitmap. An unfiltered one takes the number of custom
 * models (the admin's) or of public custom models (a user's public share) from model_counts, and
 * a user's private share from the kept grant counts (privateGrantCountSql) and its own models: none
 * reads the models the caller was granted or the public ones. Figures: README, Performance.
 */
export function listCountSql(caller: Caller, params: ListParams): Sql {
  const filters = listFilters(caller, params);
  const from = sql`models m${filterJoin(params.filters)}`;
  const unfiltered = contentFilters(params).length === 0;
  if (caller.bypass && !hasKeyNarrowing(caller)) {
    if (unfiltered && params.viewOption !== 'created') return bypassCountSql(caller, params);
    return sql`SELECT count(*)::int AS total FROM ${from} WHERE ${filters}`;
  }
  const parts = splitListParts(caller, params);
  if (parts !== null) return splitFilteredCountSql(parts, params, contentFilters(params));
  if (caller.bypass || hasKeyNarrowing(caller) || !unfiltered) {
    return sql`SELECT count(*)::int AS total FROM ${from} WHERE ${filters} AND ${readablePredicate(caller)}`;
  }
  // The caller reads all its own models, whatever their grants.
  if (params.viewOption === 'created') return sql`SELECT count(*)::int AS total FROM models m WHERE ${filters}`;
  return sql`SELECT (${PUBLIC_CUSTOM_COUNT} + ${privateCountSql(caller, params.viewOption)})::int AS total`;
}

/**
 * The readable rule split into public and private parts (readableParts) when the list is filtered
 * by tag and/or query alone, for a caller the rule splits, with no view: such a list is counted,
 * and in its newest-first order paged, from the narrow copies of the custom models. Null otherwise.
 */
function splitListParts(caller: Caller, params: ListFilterParams): ReadableParts | null {
  const parts = readableParts(caller);
  if (parts === null || params.viewOption !== null || hasModelFilters(params.filters)) return null;
  return contentFilters(params).length > 0 ? parts : null;
}

type ReadableParts = NonNullable<ReturnType<typeof readableParts>>;

/**
 * A list filtered by tag and/or query only: the public matches counted with no access test, a tag
 * alone on public_model_tags (an index-only count), anything else on public_models (a narrow copy
 * of the public custom models with its own tag and trigram indexes); plus the private custom
 * matches the caller can read, on private_models (a narrow copy of the private ones, migration
 * PrivateModelFilters), where `readers` and the filter meet in one bitmap, and the caller's own
 * models granted to none of its principals. All three copies are kept by triggers. Counting on
 * models made PostgreSQL recheck the readers of every public match (1.3 s for a common tag at 1M
 * models), and every private match cost a page of the wide models table.
 * The filters name their table m, so the same predicates serve every part.
 */
function splitFilteredCountSql(parts: ReadableParts, params: ListFilterParams, content: Sql[]): Sql {
  const filters = sql.join(content, sql` AND `);
  const publicCount =
    content.length === 1 && params.tag !== null
      ? sql`SELECT count(*) FROM public_model_tags t WHERE t.tag = ${normalTag(params.tag)}`
      : sql`SELECT count(*) FROM public_models m WHERE ${filters} AND ${parts.public}`;
  const grantedCount = sql`SELECT count(*) FROM private_models m WHERE ${filters} AND ${parts.granted}`;
  // The filter and readers tests are a FILTER over the owner's few hundred rows, not conditions:
  // as conditions PostgreSQL ANDed the owner's index with the trigram one (8 ms for a rare word).
  const ownCount = sql`SELECT count(*) FILTER (WHERE ${filters} AND ${parts.ungranted})
       FROM private_models m WHERE ${parts.owner}`;
  return sql`SELECT ((${publicCount}) + (${grantedCount}) + (${ownCount}))::int AS total`;
}

/**
 * Every custom model, as model_counts (migration ModelCounts) keeps the number exactly: the sum of
 * its rows in the reading statement's snapshot. Counting them took 65 ms at a million models.
 */
const CUSTOM_COUNT = sql`(SELECT COALESCE(sum(c.custom), 0) FROM model_counts c)`;
/** Every public custom model, from model_counts likewise (42 ms to count at a million). */
const PUBLIC_CUSTOM_COUNT = sql`(SELECT COALESCE(sum(c.public_custom), 0) FROM model_counts c)`;

/** An unfiltered list of a caller who bypasses the rule: every custom model, less its own for 'shared'. */
function bypassCountSql(caller: Caller, params: ListParams): Sql {
  if (params.viewOption !== 'shared') return sql`SELECT ${CUSTOM_COUNT}::int AS total`;
  const owned = sql`(SELECT count(*) FROM models m WHERE m.base_model_id IS NOT NULL AND m.user_id = ${caller.userId}::uuid)`;
  return sql`SELECT (${CUSTOM_COUNT} - ${owned})::int AS total`;
}

/**
 * The unfiltered list's share beyond the public custom models, as the view keeps it: the granted
 * private models (each once), plus the caller's own models it reads by ownership alone; or, for
 * 'shared', less all those of its own models that the public count or the grants counted.
 */
function privateCountSql(caller: Caller, viewOption: 'shared' | null): Sql {
  // The caller's own custom models, those its principals read (public ones have '*') or the rest.
  // The readers test is a FILTER, not a condition: as a condition PostgreSQL ANDed the owner's
  // index with the readers index, which reads every model readable by the caller (12 ms on the
  // company shape) to keep the few it owns; the owner's index alone finds a few hundred rows.
  const owned = (granted: boolean) =>
    sql`(SELECT count(*) FILTER (WHERE ${granted ? sql`` : sql`NOT `}${grantedToPredicate(caller)})
         FROM models m WHERE m.base_model_id IS NOT NULL AND m.user_id = ${caller.userId}::uuid)`;
  const granted = privateGrantCountSql(caller);
  if (viewOption === 'shared') return sql`(${granted} - ${owned(true)})`;
  return sql`(${granted} + ${owned(false)})`;
}

/** The page's order, its window, and the copies' parts when splitListParts splits it (created_at order only). */
function pageShape(caller: Caller, params: ListParams) {
  const direction = DIRECTION[params.direction];
  return {
    direction,
    order: sql`${SORT_COLUMN[params.orderBy]} ${direction}, m.id ${direction}`,
    offset: (params.page - 1) * PAGE_SIZE,
    parts: params.orderBy === 'created_at' ? splitListParts(caller, params) : null,
  };
}

/** The page's rows of models (m) the caller can read, in order, with `columns`: the window of the list. */
function readablePageSql(caller: Caller, params: ListParams, columns: Sql): Sql {
  const { order, offset } = pageShape(caller, params);
  return sql`SELECT ${columns} FROM models m${filterJoin(params.filters)}
            WHERE ${listFilters(caller, params)} AND ${readablePredicate(caller)}
            ORDER BY ${order} LIMIT ${sql.raw(PAGE_SIZE)} OFFSET ${offset}`;
}

/**
 * One page of matches with their owner, base-model defaults and write access; ties broken by id.
 * The page's ids are chosen first, so deep pages skip rows without joining them.
 */
export function listPageSql(caller: Caller, params: ListParams, columns: Sql = MODEL_COLUMNS): Sql {
  const { direction, order, offset, parts } = pageShape(caller, params);
  const ids =
    parts === null
      ? readablePageSql(caller, params, sql`m.id`)
      : splitPageIdsSql(parts, contentFilters(params), direction, offset);
  return sql`SELECT ${columns}, ${writablePredicate(caller)} AS write_access
      FROM (${ids}) page
      JOIN models m ON m.id = page.id ${MODEL_JOINS}
      ORDER BY ${order}`;
}

/**
 * Which row versions a list row's JSON was built from: the transactions that last wrote the model's
 * row (its grants included: the triggers rewrite `readers`/`writers` whenever they change), its base
 * model's and its owner's (`xmin`), the rows every field of the row's JSON comes from. Any write to
 * one of them gives a new version, whatever the write path, so JSON kept under a version is never
 * served for a row it was not built from (model-list-json.ts).
 */
const LIST_ROW_VERSION = sql`m.xmin::text || ':' || COALESCE(b.xmin::text, '') || ':' || COALESCE(u.xmin::text, '') AS row_version`;

/** A list row's id, row version and write access. */
export interface ListRowVersion {
  id: string;
  row_version: string;
  write_access: boolean;
}

/**
 * The page listPageSql chooses, as its rows' ids, versions and write access only (in the page's
 * order): what every list request sends once its rows' JSON is kept. Where the page's window reads
 * each row it passes anyway (the readers test, a view, a filter), the window carries the rows'
 * versions and write access, and only the owner's and the base model's versions are looked up, by
 * key: joining models again by id cost each row 4 more buffers and the planner a four-table join,
 * about half the statement's CPU (docs/scaling.md, "The list's statements once its JSON is kept"). A window that can skip
 * rows on an index alone (an admin's deep page) and a page chosen from the narrow copies join
 * models for the page's rows, as listPageSql does.
 */
export function listPageVersionsSql(caller: Caller, params: ListParams): Sql {
  const { order, offset, parts } = pageShape(caller, params);
  const skipsOnIndex = caller.bypass && !hasKeyNarrowing(caller) && params.viewOption === null;
  if (parts !== null || (skipsOnIndex && offset > 0 && contentFilters(params).length === 0)) {
    return listPageSql(caller, params, sql`m.id, ${LIST_ROW_VERSION}`);
  }
  const owner = sql`(SELECT pu.xmin::text FROM users pu WHERE pu.id = m.user_id)`;
  const base = sql`(SELECT pb.xmin::text FROM models pb WHERE pb.id = m.base_model_id)`;
  const window = readablePageSql(
    caller,
    params,
    sql`m.id, m.xmin, m.user_id, m.base_model_id, ${SORT_COLUMN[params.orderBy]}, ${writablePredicate(caller)} AS write_access`,
  );
  return sql`SELECT m.id, m.xmin::text || ':' || COALESCE(${base}, '') || ':' || COALESCE(${owner}, '') AS row_version,
        m.write_access
      FROM (${window}) m
      ORDER BY ${order}`;
}

/** The page listPageSql chooses, whole, with each row's version. */
export function listPageRowsSql(caller: Caller, params: ListParams): Sql {
  return listPageSql(caller, params, sql`${MODEL_COLUMNS}, ${LIST_ROW_VERSION}`);
}

/** The models of `ids` the caller can read, whole, with each row's version, in id order. */
export function listRowsSql(caller: Caller, ids: readonly string[]): Sql {
  return readableModelsSql(caller, sql`m.id = ANY(${ids}::text[])`, sql`${MODEL_COLUMNS}, ${LIST_ROW_VERSION}`);
}

/**
 * The page's ids of a list that splitListParts splits, in created_at order: chosen from the same
 * three disjoint parts as its count (public matches on public_models, the private ones granted to
 * the caller and its own ungranted ones on private_models), each copy with its (created_at, id)
 * index (migration FilterCopiesCreated). Each part takes its own first offset + 30 (the page lies
 * within them), so PostgreSQL plans each for what it must return: it walks a copy's date index
 * where the filter is common there and sorts the filter's bitmap where it is rare. On models one
 * walk tested the word and the rule on every row of the wide table it passed (README, Performance).
 * The caller's own rows are taken by owner first (OFFSET 0 keeps PostgreSQL from ANDing the owner's
 * index with the trigram one, as the count's FILTER does).
 */
function splitPageIdsSql(parts: ReadableParts, content: Sql[], direction: Sql, offset: number): Sql {
  const filters = sql.join(content, sql` AND `);
  const order = sql`m.created_at ${direction}, m.id ${direction}`;
  const first = sql`ORDER BY ${order} LIMIT ${offset + PAGE_SIZE}`;
  return sql`SELECT m.id FROM (
          (SELECT m.id, m.created_at FROM public_models m WHERE ${filters} AND ${parts.public} ${first})
          UNION ALL (SELECT m.id, m.created_at FROM private_models m WHERE ${filters} AND ${parts.granted} ${first})
          UNION ALL (SELECT m.id, m.created_at FROM (SELECT * FROM private_models m WHERE ${parts.owner} OFFSET 0) m
                      WHERE ${filters} AND ${parts.ungranted} ${first})
        ) m ORDER BY ${order} LIMIT ${sql.raw(PAGE_SIZE)} OFFSET ${offset}`;
}

// ---- The gateway lists (/v1/models, /v1beta/models) ----

/** Where a keyset page starts or ends: a model of the list. */
export interface ModelCursor {
  id: string;
  created_at: number;
}

export interface ListableQuery {
  order: 'id' | 'newest' | 'oldest';
  /** Only this model. */
  id?: string;
  /** Only these models (still a list: hidden ones left out). */
  ids?: readonly string[];
  /** In id order: models after this id. */
  afterId?: string | null;
  /** In (created_at, id) order: models before `olderThan` and after `newerThan`. */
  olderThan?: ModelCursor | null;
  newerThan?: ModelCursor | null;
  /**
   * The same by id: before or after the model of that id as findListable finds it for the caller,
   * looked up in the same statement; no rows at all when the caller cannot list it.
   */
  olderThanId?: string | null;
  newerThanId?: string | null;
  limit?: number;
  filters?: ModelFilters;
}

/**
 * The caller narrowed to `ids` as a key's allow-list would narrow it (within its own allow-list, if
 * any): one array in the statement. `m.id = ANY(ids)` beside the key's own `m.id = ANY(...)` made
 * PostgreSQL multiply the two estimates and scan every model.
 */
function onlyIds(caller: Caller, ids: readonly string[] | undefined): Caller {
  if (ids === undefined) return caller;
  const allowed = caller.keyModels === null ? null : new Set(caller.keyModels);
  return { ...caller, keyModels: allowed === null ? [...ids] : ids.filter((id) => allowed.has(id)) };
}

const LISTABLE_ORDER: Record<ListableQuery['order'], Sql> = {
  id: sql`m.id`,
  newest: sql`m.created_at DESC, m.id DESC`,
  oldest: sql`m.created_at ASC, m.id ASC`,
};

/**
 * What the gateway lists (docs/gateway.md): active models the caller can read (its API key's
 * narrowing included).
 * A custom model whose base model is disabled is left out too: it cannot be served either.
 * A model with `meta.hidden: true` is left out of lists but still found by id.
 */
export function listableSql(caller: Caller, query: ListableQuery): Sql {
  // The key's narrowing is part of the readable rule itself.
  const where = [sql`m.is_active`, sql`(b.id IS NULL OR b.is_active)`, readablePredicate(onlyIds(caller, query.ids))];
  if (query.id !== undefined) where.push(sql`m.id = ${query.id}`);
  else where.push(sql`NOT m.meta @> '{"hidden": true}'::jsonb`);
  const { afterId, olderThan, newerThan } = query;
  if (afterId != null) where.push(sql`m.id > ${afterId}`);
  if (olderThan) where.push(sql`(m.created_at, m.id) < (${olderThan.created_at}, ${olderThan.id})`);
  if (newerThan) where.push(sql`(m.created_at, m.id) > (${newerThan.created_at}, ${newerThan.id})`);
  const at = (id: string) => sql`(SELECT c.created_at, c.id FROM (${listableSql(caller, { order: 'id', id })}) c)`;
  if (query.olderThanId != null) where.push(sql`(m.created_at, m.id) < ${at(query.olderThanId)}`);
  if (query.newerThanId != null) where.push(sql`(m.created_at, m.id) > ${at(query.newerThanId)}`);
  if (query.filters) where.push(...modelFilterPredicates(query.filters));
  const limit = query.limit === undefined ? sql`` : sql` LIMIT ${query.limit}`;
  return sql`SELECT ${MODEL_SUMMARY_COLUMNS}, ${SUMMARY_VERSION} FROM models m ${BASE_MODEL_JOIN}
       WHERE ${sql.join(where, sql` AND `)} ORDER BY ${LISTABLE_ORDER[query.order]}${limit}`;
}
