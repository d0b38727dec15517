import { readablePredicate, writablePredicate } from '../../access/access-rules';
import type { Caller } from '../../access/caller';
import type { GrantRow } from '../../access/grant-row';
import { sql, Sql } from '../../common/sql';
import type { ModelEntity } from '../model.entity';

/**
 * The import's statements, each for a whole chunk of models at once (model-import.service.ts):
 * rows travel as one JSON parameter read back by jsonb_to_recordset, grants as unnest arrays.
 */

export interface ImportAccessRow {
  id: string;
  can_read: boolean;
  can_write: boolean;
  base_model_id: string | null;
}

/** What the caller may do with each existing model of `ids`; `lock` holds their rows until commit. */
export function importAccessSql(caller: Caller, ids: string[], options: { lock: boolean }): Sql {
  return sql`SELECT m.id, ${readablePredicate(caller)} AS can_read, ${writablePredicate(caller)} AS can_write,
              m.base_model_id
       FROM models m WHERE m.id = ANY(${ids}::text[])${options.lock ? sql` ORDER BY m.id FOR UPDATE` : sql``}`;
}

/** Which of `ids` are base models the caller can read (may build on). */
export function readableBaseModelsSql(caller: Caller, ids: string[]): Sql {
  return sql`SELECT m.id FROM models m
       WHERE m.id = ANY(${ids}::text[]) AND m.base_model_id IS NULL AND ${readablePredicate(caller)}`;
}

/** A model row in the shape jsonb_to_recordset reads it (snake case, as the columns are named). */
function rowOf(model: ModelEntity): Record<string, unknown> {
  return {
    id: model.id,
    user_id: model.userId,
    base_model_id: model.baseModelId,
    name: model.name,
    params: model.params,
    meta: model.meta,
    is_active: model.isActive,
    owned_by: model.ownedBy,
    supported_endpoint_types: model.supportedEndpointTypes,
    pricing: model.pricing,
    context_length: model.contextLength,
    max_output_tokens: model.maxOutputTokens,
    tags: model.tags,
    search: model.search,
    name_sort: model.nameSort,
    created_at: model.createdAt,
    updated_at: model.updatedAt,
  };
}

const RECORD = sql`x(id text, user_id uuid, base_model_id text, name text, params jsonb, meta jsonb,
  is_active boolean, owned_by text, supported_endpoint_types text[], pricing jsonb, context_length integer,
  max_output_tokens integer, tags text[], search text, name_sort text, created_at bigint,
  updated_at bigint)`;

const COLUMNS = sql`id, user_id, base_model_id, name, params, meta, is_active, owned_by, supported_endpoint_types,
  pricing, context_length, max_output_tokens, tags, search, name_sort, created_at, updated_at`;

function records(models: ModelEntity[]): Sql {
  return sql`jsonb_to_recordset(${JSON.stringify(models.map(rowOf))}::jsonb) AS ${RECORD}`;
}

/** The chunk's grants as four parallel arrays, for unnest. */
function grantArrays(grants: Array<GrantRow & { model_id: string }>): Sql {
  return sql`unnest(${grants.map((g) => g.model_id)}::text[], ${grants.map((g) => g.principal_type)}::text[],
                    ${grants.map((g) => g.principal_id)}::text[], ${grants.map((g) => g.permission)}::text[])
             AS g(model_id, principal_type, principal_id, permission)`;
}

/**
 * Inserts new models; an id taken meanwhile is left alone and missing from the returned ids.
 * Each row is written with the readers, writers and is_public its grants will give it, computed
 * as refresh_model_access does (migration ModelReaders), so the grants' trigger that follows
 * finds the rows right and rewrites none: a model row, its 12 indexes and its narrow copy
 * (private_models or public_models) are written once instead of twice. The trigger stays the
 * guarantee: a row written wrong here would be corrected by it, only slower.
 */
export function insertModelsSql(models: ModelEntity[], grants: Array<GrantRow & { model_id: string }>): Sql {
  return sql`INSERT INTO models (${COLUMNS}, readers, writers, is_public)
       SELECT ${COLUMNS}, COALESCE(a.readers, '{}'), COALESCE(a.writers, '{}'), COALESCE('*' = ANY(a.readers), FALSE)
         FROM ${records(models)}
         LEFT JOIN (SELECT g.model_id AS granted_id,
                           array_agg(g.principal ORDER BY g.principal COLLATE "C") AS readers,
                           COALESCE(array_agg(g.principal ORDER BY g.principal COLLATE "C")
                                      FILTER (WHERE g.permission = 'write'), '{}') AS writers
                      FROM (SELECT g.model_id, g.permission, model_principal(g.principal_type, g.principal_id) AS principal
                              FROM ${grantArrays(grants)}) g
                     GROUP BY g.model_id) a ON a.granted_id = x.id
       ON CONFLICT (id) DO NOTHING RETURNING id`;
}

/** Overwrites existing models (locked by importAccessSql) with their merged fields; the owner and created_at stay. */
export function updateModelsSql(models: ModelEntity[]): Sql {
  return sql`UPDATE models m SET base_model_id = x.base_model_id, name = x.name, params = x.params, meta = x.meta,
         is_active = x.is_active, owned_by = x.owned_by, supported_endpoint_types = x.supported_endpoint_types,
         pricing = x.pricing, context_length = x.context_length, max_output_tokens = x.max_output_tokens,
         tags = x.tags, search = x.search, name_sort = x.name_sort, updated_at = x.updated_at
       FROM ${records(models)} WHERE m.id = x.id`;
}

/** Removes the grants of the models whose grant set the import replaces. */
export function deleteGrantsSql(modelIds: string[]): Sql {
  return sql`DELETE FROM access_grants WHERE model_id = ANY(${modelIds}::text[])`;
}

/**
 * Inserts every grant of the chunk in one statement. Its triggers (migration ModelReaders) set the
 * models' readers, writers and is_public, and each grant's private_custom and groups_before. The
 * grants of new models carry the last two as that refresh computes them (migration GroupsBefore)
 * from the readers insertModelsSql wrote, so it rewrites none of them either.
 */
export function insertGrantsSql(grants: Array<GrantRow & { model_id: string }>): Sql {
  return sql`INSERT INTO access_grants (model_id, principal_type, principal_id, permission, private_custom, groups_before)
       SELECT g.model_id, g.principal_type, g.principal_id, g.permission,
              COALESCE(NOT m.is_public AND m.base_model_id IS NOT NULL, FALSE),
              ARRAY(SELECT substr(r, 3)::uuid FROM unnest(m.readers) r
                     WHERE r COLLATE "C" < model_principal(g.principal_type, g.principal_id)
                       AND r ~ '^g:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                     ORDER BY r COLLATE "C")
         FROM ${grantArrays(grants)} LEFT JOIN models m ON m.id = g.model_id`;
}
