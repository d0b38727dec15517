import type { EntityManager } from 'typeorm';
import { queryRows, sql } from '../../common/sql';
import { isUuid } from '../../common/uuid';

/** The users and groups that exist here, among those an import's grants name. */
export interface KnownPrincipals {
  user: Set<string>;
  group: Set<string>;
}

type NamedPrincipal = { type: 'user' | 'group'; id: string };

/** The user or group a requested grant names, when it names one (not `*`, not `anyone`). */
function namedPrincipal(grant: unknown): NamedPrincipal | null {
  if (typeof grant !== 'object' || grant === null) return null;
  const { principal_type: type, principal_id: id } = grant as Record<string, unknown>;
  if ((type !== 'user' && type !== 'group') || typeof id !== 'string' || id === '*') return null;
  return { type, id: id.toLowerCase() };
}

/** One query per principal type for every grant of every item: which of the named principals exist. */
export async function knownPrincipals(manager: EntityManager, grantLists: unknown[][]): Promise<KnownPrincipals> {
  const named = grantLists.flat().map(namedPrincipal);
  const known: KnownPrincipals = { user: new Set(), group: new Set() };
  for (const type of ['user', 'group'] as const) {
    const ids = [...new Set(named.filter((p) => p?.type === type && isUuid(p.id)).map((p) => p!.id))];
    if (ids.length === 0) continue;
    const table = type === 'user' ? sql`users` : sql`groups`;
    const rows = await queryRows<{ id: string }>(
      manager,
      sql`SELECT id::text FROM ${table} WHERE id = ANY(${ids}::uuid[])`,
    );
    for (const row of rows) known[type].add(row.id);
  }
  return known;
}

/**
 * The grants whose user or group exists here; the others are left out and named in `warnings`
 * (an export from another Open WebUI names its own users and groups). Anything that is not a
 * grant naming a principal is kept, for validation to judge.
 */
export function withKnownPrincipals(grants: unknown[], known: KnownPrincipals, warnings: string[]): unknown[] {
  return grants.filter((grant) => {
    const principal = namedPrincipal(grant);
    if (principal === null || known[principal.type].has(principal.id)) return true;
    warnings.push(`access_grants: no ${principal.type} with id "${principal.id}" here; that grant was left out`);
    return false;
  });
}
