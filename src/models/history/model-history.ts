import type { EntityManager } from 'typeorm';
import type { Caller } from '../../access/caller';
import { actorOf, auditInsertSql, changedKeysSql } from '../../audit/audit';
import type { GrantRow } from '../../access/grant-row';
import { execute, Queryable, queryRows, Sql, sql } from '../../common/sql';
import type { EndpointType, ModelPricing } from '../model.entity';

/** How many versions of a model history keeps, newest first (docs/history.md: what that costs). */
export const KEPT_VERSIONS = 20;

export const HISTORY_ACTIONS = ['create', 'update', 'access', 'toggle', 'import', 'restore', 'transfer'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** A model as one version left it: its stored fields (null = inherited from the base model) and grants. */
export interface ModelSnapshot {
  id: string;
  user_id: string | null;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  is_active: boolean;
  owned_by: string | null;
  supported_endpoint_types: EndpointType[] | null;
  pricing: ModelPricing | null;
  context_length: number | null;
  max_output_tokens: number | null;
  access_grants: GrantRow[];
}

/** The snapshot of models row `m`, built in SQL so a change costs one statement and no round trip of the model. */
const SNAPSHOT = sql`jsonb_build_object(
  'id', m.id, 'user_id', m.user_id, 'base_model_id', m.base_model_id, 'name', m.name,
  'params', m.params, 'meta', m.meta, 'is_active', m.is_active, 'owned_by', m.owned_by,
  'supported_endpoint_types', to_jsonb(m.supported_endpoint_types), 'pricing', m.pricing,
  'context_length', m.context_length, 'max_output_tokens', m.max_output_tokens,
  'access_grants', COALESCE((
    SELECT jsonb_agg(jsonb_build_object('principal_type', g.principal_type,
             'principal_id', g.principal_id, 'permission', g.permission)
           ORDER BY g.principal_type, g.principal_id)
    FROM access_grants g WHERE g.model_id = m.id), '[]'::jsonb))`;

export interface ModelChange {
  modelId: string;
  action: HistoryAction;
  /** Who made the change; null for the system. */
  caller: Pick<Caller, 'userId' | 'name' | 'via'> | null;
  /** The change created the model (its version stays 1); otherwise the version goes up by one. */
  created: boolean;
  now: number;
}

/**
 * Records a change already applied to the model (fields and grants) inside the caller's
 * transaction: bumps its version unless it was just created, keeps the new state as that
 * version, writes the audit record (the fields that changed since the previous version), and
 * forgets versions older than the last KEPT_VERSIONS. Returns the new version.
 * Call it last, after every write of the change: the snapshot reads the model as it is now.
 */
export async function recordChange(manager: EntityManager, change: ModelChange): Promise<number> {
  const { modelId, action, caller, now } = change;
  const row = change.created
    ? sql`SELECT * FROM models WHERE id = ${modelId}`
    : sql`UPDATE models SET version = version + 1 WHERE id = ${modelId} RETURNING *`;
  const [{ version }] = await queryRows<{ version: number }>(
    manager,
    sql`WITH m AS (${row})
      INSERT INTO model_history (model_id, version, changed_at, changed_by, changed_by_name, action, snapshot)
      SELECT m.id, m.version, ${now}, ${caller?.userId ?? null}::uuid, ${caller?.name ?? null}, ${action}, ${SNAPSHOT}
      FROM m RETURNING version`,
  );
  const changed = sql`SELECT h.model_id AS target_id, ${changedKeysSql(sql`p.snapshot`, sql`h.snapshot`)}
    FROM model_history h LEFT JOIN model_history p ON p.model_id = h.model_id AND p.version = h.version - 1
    WHERE h.model_id = ${modelId} AND h.version = ${version}`;
  const actor = caller && actorOf(caller);
  await execute(manager, auditInsertSql({ actor, action: `model.${action}`, targetType: 'model' }, changed));
  if (version > KEPT_VERSIONS) {
    await execute(
      manager,
      sql`DELETE FROM model_history WHERE model_id = ${modelId} AND version <= ${version - KEPT_VERSIONS}`,
    );
  }
  return version;
}

/**
 * recordChange for many models at once (the import writes a chunk of models in one transaction):
 * the models of `createdIds` stay at version 1, those of `updatedIds` go up by one; one history row
 * and one audit record each, in one statement, then versions older than the last KEPT_VERSIONS are
 * forgotten.
 */
export async function recordChanges(
  manager: EntityManager,
  change: Omit<ModelChange, 'modelId' | 'created'> & { createdIds: string[]; updatedIds: string[] },
): Promise<void> {
  const { createdIds, updatedIds, action, caller, now } = change;
  if (createdIds.length + updatedIds.length === 0) return;
  // The audit records come from the history rows the same statement writes, each compared with
  // the model's previous version (a statement sees the rows as they were before it: the old ones).
  const changed = sql`SELECT h.model_id AS target_id, ${changedKeysSql(sql`p.snapshot`, sql`h.snapshot`)}
    FROM h LEFT JOIN model_history p ON p.model_id = h.model_id AND p.version = h.version - 1`;
  const actor = caller && actorOf(caller);
  await execute(
    manager,
    sql`WITH bumped AS (UPDATE models SET version = version + 1 WHERE id = ANY(${updatedIds}::text[]) RETURNING *),
      m AS (SELECT * FROM bumped UNION ALL SELECT * FROM models WHERE id = ANY(${createdIds}::text[])),
      h AS (INSERT INTO model_history (model_id, version, changed_at, changed_by, changed_by_name, action, snapshot)
            SELECT m.id, m.version, ${now}, ${caller?.userId ?? null}::uuid, ${caller?.name ?? null}, ${action}, ${SNAPSHOT}
            FROM m RETURNING model_id, version, snapshot)
      ${auditInsertSql({ actor, action: `model.${action}`, targetType: 'model' }, changed)}`,
  );
  if (updatedIds.length === 0) return;
  await execute(
    manager,
    sql`DELETE FROM model_history h USING models m
      WHERE m.id = ANY(${updatedIds}::text[]) AND h.model_id = m.id AND h.version <= m.version - ${KEPT_VERSIONS}`,
  );
}

/** The model as the given kept version left it, or null when that version is not kept. */
export async function snapshotOf(
  manager: EntityManager,
  modelId: string,
  version: number,
): Promise<ModelSnapshot | null> {
  const [row] = await queryRows<{ snapshot: ModelSnapshot }>(
    manager,
    sql`SELECT snapshot FROM model_history WHERE model_id = ${modelId} AND version = ${version}`,
  );
  return row?.snapshot ?? null;
}

export interface HistoryRow {
  version: number;
  changed_at: number;
  changed_by: string | null;
  changed_by_name: string | null;
  action: HistoryAction;
  snapshot: ModelSnapshot;
}

export const HISTORY_PAGE_SIZE = 30;

/** One page of a model's kept versions, newest first, and how many are kept. */
export async function historyPage(
  db: Queryable,
  modelId: string,
  page: number,
): Promise<{ rows: HistoryRow[]; total: number }> {
  const rows = await queryRows<HistoryRow>(
    db,
    sql`SELECT version, changed_at, changed_by, changed_by_name, action, snapshot
      FROM model_history WHERE model_id = ${modelId}
      ORDER BY version DESC LIMIT ${HISTORY_PAGE_SIZE} OFFSET ${(page - 1) * HISTORY_PAGE_SIZE}`,
  );
  const [{ total }] = await queryRows<{ total: number }>(
    db,
    sql`SELECT count(*)::int AS total FROM model_history WHERE model_id = ${modelId}`,
  );
  return { rows, total };
}

/**
 * The audit records of models about to go: `from` is a source of models rows (the models table
 * with a condition, or a `DELETE ... RETURNING` CTE); each record keeps the model whole as before.
 */
export function modelDeletionAuditSql(caller: Pick<Caller, 'userId' | 'name' | 'via'>, from: Sql): Sql {
  return auditInsertSql(
    { actor: actorOf(caller), action: 'model.delete', targetType: 'model' },
    sql`SELECT m.id AS target_id, ${SNAPSHOT} AS before, NULL::jsonb AS after FROM ${from}`,
  );
}
