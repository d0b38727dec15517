import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { readStoredFixtures } from '../seed/fixture-store';
import type { Fixtures } from './scenarios';

// Written by seeds from before profiles, which did not store their fixtures in the database.
const LEGACY_SEED_FILE = join(__dirname, '..', 'results', 'seed.json');

/** The fixtures of the data in the database at `url`: those the seed stored in it, else seed.json. */
export async function readFixtures(url: string): Promise<Fixtures> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const stored = await readStoredFixtures<Fixtures>(client);
    if (stored) return stored;
  } finally {
    await client.end();
  }
  try {
    return { profile: 'bench', ...(JSON.parse(readFileSync(LEGACY_SEED_FILE, 'utf8')) as Fixtures) };
  } catch {
    throw new Error(
      `the database holds no bench.seed table and ${LEGACY_SEED_FILE} is missing: run npm run bench:seed first`,
    );
  }
}

/** One line on the seeded data, from its row counts. */
export function describeData(fixtures: Fixtures): string {
  const c = fixtures.counts;
  const n = (value: number | undefined) => (value ?? 0).toLocaleString('en-US');
  const user = fixtures.typical_user;
  return (
    `${n(c.custom_models)} custom models (${n(c.public_custom_models)} public), ${n(c.users)} users, ${n(c.groups)} groups, ` +
    `${n(c.group_members)} memberships, ${n(c.group_grants)} group grants, ${n(c.user_grants)} user grants; ` +
    `the typical user reads ${n(user.readable_models)} (${n(user.readable_models - (c.public_custom_models ?? 0))} private)`
  );
}
