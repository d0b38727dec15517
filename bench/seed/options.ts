import { parseArgs } from 'node:util';
import { Profile, PROFILE_NAMES, ProfileSeed, parseProfile, profileDatabaseUrl } from '../profiles';

export interface SeedOptions {
  profile: Profile;
  models: number;
  baseModels: number;
  users: number;
  groups: number;
  publicFraction: number;
  groupGrants: number;
  userGrants: number;
  imageFraction: number;
  keyModels: number;
  seed: number;
  batch: number;
  connections: number;
  databaseUrl: string | null;
  force: boolean;
  /** Recompute and store the fixtures of an already seeded database, without reloading it. */
  fixturesOnly: boolean;
}

const NUMBERS = {
  models: { flag: 'models', default: 100000, min: 1, max: 10_000_000 },
  baseModels: { flag: 'base-models', default: 200, min: 1, max: 10000 },
  users: { flag: 'users', default: 10000, min: 2, max: 10_000_000 },
  groups: { flag: 'groups', default: 1000, min: 0, max: 1_000_000 },
  publicFraction: { flag: 'public', default: 0.1, min: 0, max: 1 },
  groupGrants: { flag: 'group-grants', default: 150000, min: 0, max: 100_000_000 },
  userGrants: { flag: 'user-grants', default: 150000, min: 0, max: 100_000_000 },
  imageFraction: { flag: 'images', default: 0.02, min: 0, max: 1 },
  keyModels: { flag: 'key-models', default: 500, min: 1, max: 100000 },
  seed: { flag: 'seed', default: 42, min: 0, max: 2 ** 32 - 1 },
  batch: { flag: 'batch', default: 5000, min: 1, max: 100000 },
  connections: { flag: 'connections', default: 2, min: 1, max: 16 },
} as const;

type NumberOption = keyof typeof NUMBERS;
const FRACTIONS = new Set<NumberOption>(['publicFraction', 'imageFraction']);

export const USAGE = `Usage: npm run bench:seed -- [flags]
  --profile        ${PROFILE_NAMES.join(' | ')} (default bench): the data set's shape; the flags below override it
${Object.values(NUMBERS)
  .map((spec) => `  --${spec.flag.padEnd(14)} default ${spec.default}`)
  .join('\n')}
  --database-url   default $BENCH_DATABASE_URL, else $DATABASE_URL (with the profile's database
                   name unless the profile is bench), else embedded PostgreSQL in .data/bench
  --force          allow dropping a database whose name does not contain "bench"
  --fixtures-only  work the fixtures out again for a database seeded with the same flags, without reloading it`;

function parseNumber(key: NumberOption, raw: string | undefined, profile: Profile): number {
  const spec = NUMBERS[key];
  if (raw === undefined) return profile.seed[key as keyof ProfileSeed] ?? spec.default;
  const value = Number(raw);
  const valid = FRACTIONS.has(key) ? Number.isFinite(value) : Number.isInteger(value);
  if (raw.trim() === '' || !valid || value < spec.min || value > spec.max) {
    throw new Error(
      `--${spec.flag} must be ${FRACTIONS.has(key) ? 'a number' : 'an integer'} from ${spec.min} to ${spec.max}, got "${raw}"`,
    );
  }
  return value;
}

export function parseOptions(argv: string[]): SeedOptions | null {
  const numberFlags = Object.fromEntries(
    Object.values(NUMBERS).map((spec) => [spec.flag, { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: {
      ...numberFlags,
      profile: { type: 'string' },
      'database-url': { type: 'string' },
      force: { type: 'boolean', default: false },
      'fixtures-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const profile = parseProfile(values.profile);
  const raw: Record<string, unknown> = values;
  const numbers = Object.fromEntries(
    (Object.keys(NUMBERS) as NumberOption[]).map((key) => [
      key,
      parseNumber(key, raw[NUMBERS[key].flag] as string | undefined, profile),
    ]),
  ) as Record<NumberOption, number>;
  const databaseUrl = profileDatabaseUrl(values['database-url'], profile);
  return {
    profile,
    ...numbers,
    databaseUrl,
    force: values.force === true,
    fixturesOnly: values['fixtures-only'] === true,
  };
}
