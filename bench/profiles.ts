/**
 * The three shapes of registry the bench measures (issue 12). A profile gives `bench:seed` its
 * data-set defaults and `bench` its per-scenario durations; explicit flags still win. Each has its
 * own database name, so the three can be seeded once and kept side by side.
 */
export const PROFILE_NAMES = ['bench', 'company', 'million'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Seed flags a profile sets (the rest keep their defaults, see bench/seed/options.ts). */
export interface ProfileSeed {
  models?: number;
  users?: number;
  groups?: number;
  groupGrants?: number;
  userGrants?: number;
}

/** Run flags a profile sets, so the full three-profile run stays within ~35 minutes. */
export interface ProfileRun {
  duration?: number;
  latencyDuration?: number;
  sqlRuns?: number;
  sqlBudget?: number;
  sqlDuration?: number;
}

export interface Profile {
  name: ProfileName;
  /** Database name used when no --database-url names one. */
  database: string;
  description: string;
  seed: ProfileSeed;
  run: ProfileRun;
}

export const PROFILES: Record<ProfileName, Profile> = {
  bench: {
    name: 'bench',
    database: 'registry_bench',
    description: '100,000 custom models, 10,000 users in 1,000 groups (~10 each), ~1,400 private models per user',
    seed: {},
    run: {},
  },
  company: {
    name: 'company',
    database: 'registry_bench_company',
    description:
      '100,000 custom models, 300 users in 60 teams (~21 each), most models shared with a team or two: ~24,000 private models per user',
    seed: { users: 300, groups: 60, groupGrants: 90_000, userGrants: 75_000 },
    run: {},
  },
  million: {
    name: 'million',
    database: 'registry_bench_million',
    description: '1,000,000 custom models, 100,000 users in 10,000 groups (~10 each), ~3,000,000 grants',
    seed: { models: 1_000_000, users: 100_000, groups: 10_000, groupGrants: 1_500_000, userGrants: 1_500_000 },
    // The incumbent's statements take seconds each at this size: a few sequential runs, none at 16 connections.
    run: { duration: 6, latencyDuration: 4, sqlRuns: 10, sqlBudget: 20, sqlDuration: 0 },
  },
};

export function parseProfile(raw: string | undefined): Profile {
  const name = raw ?? 'bench';
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got "${name}"`);
  }
  return PROFILES[name as ProfileName];
}

/**
 * The database a seed or run targets: `--database-url` as given; otherwise the server of
 * $BENCH_DATABASE_URL or $DATABASE_URL (the database they name for the bench profile, the
 * profile's own for the others); null when neither is set (the embedded server, profile's database).
 */
export function profileDatabaseUrl(explicit: string | undefined, profile: Profile): string | null {
  if (explicit) return explicit;
  const fromEnv = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  if (!fromEnv) return null;
  if (profile.name === 'bench') return fromEnv;
  const url = new URL(fromEnv);
  url.pathname = `/${profile.database}`;
  return url.toString();
}
