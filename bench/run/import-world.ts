/**
 * The world the import benches (bench/import.ts, bench/import-profile.ts) import into, through the
 * service's own API: an admin, users and groups to grant to, a base model, and the models to import.
 */

/** POST a JSON body; the parsed answer, or an error naming the path and status. */
export async function call(base: string, path: string, token: string | null, body: unknown): Promise<unknown> {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/** An admin, 50 users and 20 groups to grant to, and the base model every import builds on. */
export async function setUp(base: string): Promise<{ token: string; users: string[]; groups: string[] }> {
  const signUp = (await call(base, '/api/auths/signup', null, {
    name: 'Bench Admin',
    email: 'bench-import@example.test',
    password: 'bench-password',
  })) as { token: string };
  const token = signUp.token;
  const users: string[] = [];
  for (let i = 0; i < 50; i += 1) {
    const user = (await call(base, '/api/users', token, {
      name: `Importer ${i}`,
      email: `importer-${i}@example.test`,
      password: 'bench-password',
      role: 'user',
    })) as { id: string };
    users.push(user.id);
  }
  const groups: string[] = [];
  for (let i = 0; i < 20; i += 1)
    groups.push(((await call(base, '/api/groups', token, { name: `team ${i}` })) as { id: string }).id);
  await call(base, '/api/models/create', token, {
    id: 'bench/base',
    name: 'Base',
    owned_by: 'bench',
    access_grants: [],
  });
  return { token, users, groups };
}

/** `count` models of import run `run`, each with the first `grantCount` (1–6) of six grants. */
export function importModels(
  run: number,
  count: number,
  grantCount: number,
  users: string[],
  groups: string[],
): object[] {
  return Array.from({ length: count }, (_, i) => {
    const kinds = [
      { principal_type: 'user', principal_id: users[i % users.length], permission: 'read' },
      { principal_type: 'group', principal_id: groups[i % groups.length], permission: 'read' },
      { principal_type: 'user', principal_id: users[(i + 7) % users.length], permission: 'write' },
      { principal_type: 'group', principal_id: groups[(i + 3) % groups.length], permission: 'write' },
      { principal_type: 'user', principal_id: users[(i + 13) % users.length], permission: 'read' },
      { principal_type: 'group', principal_id: groups[(i + 11) % groups.length], permission: 'read' },
    ];
    return {
      id: `import-${run}/model-${i}`,
      name: `Imported assistant ${i}`,
      base_model_id: 'bench/base',
      params: { system: `You are assistant number ${i}. Answer briefly.`, temperature: 0.3 },
      meta: {
        description: `Imported model ${i} for the benchmark`,
        tags: [{ name: 'imported' }, { name: `t${i % 40}` }],
      },
      access_grants: kinds.slice(0, grantCount),
    };
  });
}
