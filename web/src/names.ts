import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Grant } from './types';

/**
 * Names of people and groups by id (`GET /api/users/:id/info`, `GET /api/groups/:id/info`), each asked
 * once per page load. An id that no longer exists reads as "a deleted user" / "a deleted group".
 */
const cache = new Map<string, Promise<string>>();

export function nameOf(type: 'user' | 'group', id: string): Promise<string> {
  const key = `${type}:${id}`;
  let name = cache.get(key);
  if (!name) {
    name = api<{ name: string }>(`/api/${type === 'group' ? 'groups' : 'users'}/${encodeURIComponent(id)}/info`).then(
      (found) => found.name,
      () => `a deleted ${type}`,
    );
    cache.set(key, name);
  }
  return name;
}

/** A grant in plain words: "group Reviewers can edit", "everyone signed in can read". */
export async function grantText(grant: Grant): Promise<string> {
  const verb = grant.permission === 'write' ? 'can edit' : 'can read';
  if (grant.principal_type === 'anyone' || grant.principal_id === '*') return `everyone signed in ${verb}`;
  const type = grant.principal_type === 'group' ? 'group' : 'user';
  const name = await nameOf(type, grant.principal_id);
  const deleted = name === `a deleted ${type}`;
  return `${type === 'group' && !deleted ? 'group ' : ''}${name} ${verb}`;
}

/** One line per principal, the strongest permission (answers list a write grant as read + write), sorted. */
export async function grantsText(grants: Grant[]): Promise<string> {
  const strongest = new Map<string, Grant>();
  for (const grant of grants) {
    const key = `${grant.principal_type}:${grant.principal_id}`;
    if (strongest.get(key)?.permission !== 'write') strongest.set(key, grant);
  }
  const lines = await Promise.all([...strongest.values()].map(grantText));
  return lines.length ? lines.sort().join('\n') : 'only the owner';
}

/** Resolves `load` once per `key` (names are looked up asynchronously); undefined until then. */
export function useResolved<T>(key: string, load: () => Promise<T>): T | undefined {
  const [value, setValue] = useState<{ key: string; value: T }>();
  useEffect(() => {
    let live = true;
    void load().then((resolved) => live && setValue({ key, value: resolved }));
    return () => {
      live = false;
    };
  }, [key]);
  return value?.key === key ? value.value : undefined;
}
