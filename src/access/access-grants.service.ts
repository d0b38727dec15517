import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute, queryRows, sql } from '../common/sql';
import { isUuid } from '../common/uuid';
import type { Permission } from './access-grant.entity';
import type { Caller } from './caller';
import type { AccessGrantDto } from './dto/access-grant.dto';
import type { GrantRow } from './grant-row';

const RANK: Record<Permission, number> = { read: 1, write: 2 };
const PRINCIPAL_TABLE = { user: sql`users`, group: sql`groups` };

function isPublic(grant: GrantRow): boolean {
  return grant.principal_type === 'user' && grant.principal_id === '*';
}

/** One entry per principal, keeping the strongest permission (write implies read). */
export function mergeByPrincipal(requested: AccessGrantDto[]): GrantRow[] {
  const merged = new Map<string, GrantRow>();
  for (const grant of requested) {
    const principalType = grant.principal_type === 'anyone' ? 'user' : grant.principal_type;
    const principalId =
      grant.principal_type === 'anyone' || grant.principal_id === '*' ? '*' : grant.principal_id.toLowerCase();
    const key = `${principalType}:${principalId}`;
    const seen = merged.get(key);
    if (!seen || RANK[grant.permission] > RANK[seen.permission]) {
      merged.set(key, {
        principal_type: principalType,
        principal_id: principalId,
        permission: grant.permission,
      });
    }
  }
  return [...merged.values()];
}

/**
 * The requested grant set normalised (one per principal, the strongest), with the public-grant
 * rule applied: only admins may add a `user:*` grant (403); a non-admin may keep one an admin
 * already gave. With `warnings` a public grant a non-admin may not give is left out and noted
 * there instead. Whether the principals exist is for the caller to check (resolve does).
 */
export function checkRequestedGrants(
  requested: AccessGrantDto[],
  caller: Caller,
  current: GrantRow[] = [],
  warnings?: string[],
): GrantRow[] {
  let grants = mergeByPrincipal(requested);
  const currentPublic = current.find(isPublic);
  for (const grant of grants.filter(isPublic)) {
    const widening = !currentPublic || RANK[grant.permission] > RANK[currentPublic.permission];
    if (caller.isAdmin || !widening) continue;
    if (!warnings) throw new ForbiddenException('Only admins may share a model with every user (user:*)');
    warnings.push('The public grant (user:*) was left out: only admins may share a model with every user');
    grants = grants.filter((g) => !isPublic(g));
  }
  if (grants.some((g) => g.principal_type === 'group' && g.principal_id === '*')) {
    throw new BadRequestException('access_grants: "*" is only valid with principal_type user');
  }
  return grants;
}

/** Whether a grant set makes its model public (`user:*`). */
export function hasPublicGrant(grants: GrantRow[]): boolean {
  return grants.some(isPublic);
}

/** Validation and storage of a model's grant set. Who may read/write is in access-rules.ts. */
@Injectable()
export class AccessGrantsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Checks a requested grant set and returns it normalised: principals must exist (400), and
   * only admins may add a `user:*` grant (403); a non-admin may keep one an admin already gave.
   * With `warnings` (create and import, where Open WebUI's clone and import send the source's
   * grants back) a public grant a non-admin may not give is left out and noted there instead.
   * Inside a transaction pass its manager: a second pool connection taken while the first holds
   * the model's row lock deadlocks the pool when every connection waits on that lock.
   */
  async resolve(
    requested: AccessGrantDto[],
    caller: Caller,
    current: GrantRow[] = [],
    manager: EntityManager = this.dataSource.manager,
    warnings?: string[],
  ): Promise<GrantRow[]> {
    const grants = checkRequestedGrants(requested, caller, current, warnings);
    await this.assertPrincipalsExist(grants, manager);
    return grants;
  }

  /**
   * The grants whose principals still exist (restore: a version may name a user or group deleted
   * since); each one left out is said in `warnings`. `user:*` always exists.
   */
  async existingOnly(grants: GrantRow[], manager: EntityManager, warnings: string[]): Promise<GrantRow[]> {
    const found = new Set<string>();
    for (const type of ['user', 'group'] as const) {
      const ids = grants.filter((g) => g.principal_type === type && isUuid(g.principal_id)).map((g) => g.principal_id);
      if (ids.length === 0) continue;
      const rows = await queryRows<{ id: string }>(
        manager,
        sql`SELECT id::text FROM ${PRINCIPAL_TABLE[type]} WHERE id = ANY(${ids}::uuid[])`,
      );
      for (const row of rows) found.add(`${type}:${row.id}`);
    }
    return grants.filter((grant) => {
      if (isPublic(grant) || found.has(`${grant.principal_type}:${grant.principal_id}`)) return true;
      warnings.push(`The grant to ${grant.principal_type} "${grant.principal_id}" was left out: it no longer exists`);
      return false;
    });
  }

  private async assertPrincipalsExist(grants: GrantRow[], manager: EntityManager): Promise<void> {
    for (const type of ['user', 'group'] as const) {
      const ids = grants.filter((g) => g.principal_type === type && g.principal_id !== '*').map((g) => g.principal_id);
      const malformed = ids.find((id) => !isUuid(id));
      if (malformed !== undefined) throw new BadRequestException(`access_grants: no ${type} with id "${malformed}"`);
      if (ids.length === 0) continue;
      const rows = await queryRows<{ id: string }>(
        manager,
        sql`SELECT id::text FROM ${PRINCIPAL_TABLE[type]} WHERE id = ANY(${ids}::uuid[])`,
      );
      const found = new Set(rows.map((row) => row.id));
      const missing = ids.find((id) => !found.has(id));
      if (missing !== undefined) throw new BadRequestException(`access_grants: no ${type} with id "${missing}"`);
    }
  }

  /**
   * Replaces the model's grants inside the caller's transaction. Triggers keep the model's
   * readers, writers and is_public in step (migration ModelReaders).
   */
  async replace(manager: EntityManager, modelId: string, grants: GrantRow[]): Promise<void> {
    await execute(manager, sql`DELETE FROM access_grants WHERE model_id = ${modelId}`);
    if (grants.length > 0) {
      const types = grants.map((g) => g.principal_type);
      const ids = grants.map((g) => g.principal_id);
      const permissions = grants.map((g) => g.permission);
      await execute(
        manager,
        sql`INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
         SELECT ${modelId}, * FROM unnest(${types}::text[], ${ids}::text[], ${permissions}::text[])`,
      );
    }
  }

  /** Grants of each model, for writers' views. */
  async grantsOf(
    modelIds: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, GrantRow[]>> {
    const byModel = new Map<string, GrantRow[]>(modelIds.map((id) => [id, []]));
    if (modelIds.length === 0) return byModel;
    const rows = await queryRows<GrantRow & { model_id: string }>(
      manager,
      sql`SELECT model_id, principal_type, principal_id, permission FROM access_grants
       WHERE model_id = ANY(${modelIds}::text[]) ORDER BY model_id, principal_type, principal_id`,
    );
    for (const { model_id, ...grant } of rows) byModel.get(model_id)?.push(grant);
    return byModel;
  }
}
