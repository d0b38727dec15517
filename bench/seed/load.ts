import { Client } from 'pg';
import { checkSeededAccess } from './access-check';
import { deferIndexesAndForeignKeys } from './deferred';
import { makeFixtures } from './fixtures';
import { createIncumbentTables } from './incumbent-tables';
import { Loader } from './loader';
import { SeedOptions } from './options';
import { BENCH_PASSWORD, Plan, allGrantRows, modelRows } from './plan';
import * as tables from './tables';
import { Visibility } from './visibility';

/**
 * Largest first, so the parallel VACUUM finishes evenly. The copies the models' triggers fill
 * (private_models, public_models, public_model_tags) and private_grant_counts are here too, so
 * their indexes are built once after the load instead of row by row.
 */
const TABLES = [
  'models',
  'access_grants',
  'private_models',
  'group_members',
  'public_model_tags',
  'public_models',
  'users',
  'private_grant_counts',
  'groups',
  'api_keys',
];

/** Opens `count` connections tuned for bulk loading; data loss on a crash is fine for a seed. */
export async function connect(url: string, count: number): Promise<Client[]> {
  const clients = Array.from({ length: count }, () => new Client({ connectionString: url }));
  for (const client of clients) {
    await client.connect();
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
  }
  return clients;
}

/** Loads a plan into a freshly migrated database and returns its fixtures. */
export async function loadAll(
  client: Client,
  loader: Loader,
  plan: Plan,
  options: SeedOptions,
  log: (line: string) => void,
) {
  const deferred = await deferIndexesAndForeignKeys(client, TABLES);
  await loader.load('users', tables.USER_COLUMNS, plan.people.users);
  await loader.load('groups', tables.GROUP_COLUMNS, plan.people.groups);
  await loader.load('group_members', tables.MEMBER_COLUMNS, tables.memberRows(plan.people));
  await loader.load('models', tables.MODEL_COLUMNS, modelRows(plan));
  await loadGrants(client, loader, plan);
  const { fixtures, apiKeyRow } = planFixtures(plan, options);
  await loader.load('api_keys', tables.API_KEY_COLUMNS, [apiKeyRow]);
  await loader.parallel(`${deferred.length} indexes, keys`, deferred);
  if (options.models <= ACCESS_CHECK_MAX_MODELS) {
    await loader.step('access check', ([first]) => checkSeededAccess(first));
  } else {
    log(
      `access check     skipped above ${ACCESS_CHECK_MAX_MODELS.toLocaleString('en-US')} models (test/bench-seed.e2e.spec.ts proves the rule)`,
    );
  }
  // VACUUM sets the visibility map too, so index-only scans work as on a settled database.
  await loader.parallel(
    'vacuum analyze',
    TABLES.map((table) => `VACUUM (ANALYZE) ${table}`),
  );
  await loader.step('incumbent copies', createIncumbentTables);
  return fixtures;
}

/** Profiles up to this size prove their access columns against refresh_model_access as they seed. */
const ACCESS_CHECK_MAX_MODELS = 100_000;

/** The fixtures of a plan whose model rows have all been generated (they fill in ids and matches). */
function planFixtures(plan: Plan, options: SeedOptions) {
  return makeFixtures(plan.rng, {
    people: plan.people,
    plan: plan.models,
    visibility: new Visibility(plan.models, plan.people, plan.groupGrants, plan.userGrants),
    matches: plan.matches,
    baseIds: plan.context.baseIds,
    password: BENCH_PASSWORD,
    keyModels: options.keyModels,
  });
}

/**
 * --fixtures-only: works the fixtures out again for a database this plan already filled (same
 * profile, flags and seed), without reloading it: generates the rows in memory as the load did,
 * so the PRNG is where it was, and replaces the API key (its allow-list comes from the fixtures).
 */
export async function refreshFixtures(client: Client, loader: Loader, plan: Plan, options: SeedOptions) {
  for (const row of modelRows(plan)) void row;
  const ids = [plan.models.ids[0], plan.models.ids[plan.models.count - 1]];
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM models WHERE id = ANY($1)', [ids]);
  if (rows[0].n !== ids.length)
    throw new Error("the database does not hold this plan's data: seed it without --fixtures-only");
  const { fixtures, apiKeyRow } = planFixtures(plan, options);
  await client.query('DELETE FROM api_keys');
  await loader.load('api_keys', tables.API_KEY_COLUMNS, [apiKeyRow]);
  return fixtures;
}

/**
 * Models and grants go in with their access columns already set (ModelAccess), so nothing has to
 * rewrite them. The grants' own triggers (migration ModelReaders) stay off while they load: they
 * would refresh each model once per batch to the values it already holds. Their one other effect
 * on a fresh table, private_grant_counts, is then filled in one statement, as the insert trigger
 * (migration PrivateGrantCounts) would fill it from one statement inserting every grant.
 */
async function loadGrants(client: Client, loader: Loader, plan: Plan): Promise<void> {
  await client.query(`ALTER TABLE access_grants DISABLE TRIGGER USER`);
  await loader.load('access_grants', tables.GRANT_COLUMNS, allGrantRows(plan));
  await client.query(`ALTER TABLE access_grants ENABLE TRIGGER USER`);
  await loader.step('grant counts', ([first]) => first.query(PRIVATE_GRANT_COUNTS));
}

export const PRIVATE_GRANT_COUNTS = `
  INSERT INTO private_grant_counts (principal_type, principal_id, groups_before, n)
  SELECT principal_type, principal_id, groups_before, count(*)
    FROM access_grants WHERE private_custom
   GROUP BY principal_type, principal_id, groups_before`;
