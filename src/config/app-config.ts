import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { UserRole } from '../common/user-role';

/** The database refuses to delete an audit record younger than this (migration AuditRetention). */
export const AUDIT_MIN_RETENTION_DAYS = 30;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

export interface AppConfig {
  port: number;
  /** Null means: start the embedded PostgreSQL in dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolSize: number;
  /** Memory for exact answers kept per caller scope (docs/api.md, "Revalidation"); 0 turns the cache off. */
  answerCacheMb: number;
  /** 304s and cached answers ahead of Nest's router (auth/revalidation-lane.ts); off sends every request through Nest. */
  revalidationLane: boolean;
  /** The lane's answers written from the server's request listener, before Express (early-answers.setup.ts). */
  revalidationLaneEarly: boolean;
  /**
   * With the early lane: a miss of a list route (workspace list, gateway lists) built and sent from
   * the server's request listener too, through the same services (early-answers.setup.ts).
   */
  revalidationLaneMisses: boolean;
  /**
   * Remember callers between changes, kept current by LISTEN/NOTIFY and a barrier on the primary
   * (docs/caller-memo.md); off reads the caller with one query per request.
   */
  callerMemo: boolean;
  /** Null means: generate one and keep it in dataDir (see loadJwtSecret). */
  jwtSecret: string | null;
  jwtExpiresInSeconds: number;
  defaultUserRole: UserRole;
  enableSignup: boolean;
  adminEmail: string | null;
  adminPassword: string | null;
  adminName: string;
  bypassAdminAccessControl: boolean;
  userCanCreateModels: boolean;
  bcryptRounds: number;
  /** JSON lines for log collectors, or readable lines for a terminal. */
  logFormat: LogFormat;
  logLevel: LogLevel;
  /** Browser origins allowed to call the API (CORS); empty means CORS is off. */
  corsOrigins: string[];
  /**
   * Express's `trust proxy`: which proxies' X-Forwarded-Proto/-Host/-For to believe. It decides
   * whether a request came over HTTPS (the cookie's Secure flag) and which origin is the service's own.
   */
  trustProxy: TrustProxy;
  /** Where the sign-in throttle counts when set; null means in PostgreSQL. */
  redisUrl: string | null;
  /** Streaming replicas of databaseUrl that may serve list and read routes (DATABASE_READ_URLS). */
  databaseReadUrls: string[];
  /** A replica further behind the primary than this many seconds is skipped. */
  readReplicaMaxLagSeconds: number;
  /** Largest body `POST /api/models/import` accepts, in bytes (every other route: 1 MiB). */
  importMaxBytes: number;
  /** Audit records older than this many days are pruned by the service (docs/audit.md); null keeps every record. */
  auditRetentionDays: number | null;
}

/** false (default: no proxy), true (any), a hop count, or addresses, subnets and names Express knows. */
export type TrustProxy = boolean | number | string[];

/** A bad environment value; the message names the variable. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Accepts "3600", "45m", "12h" or "7d". */
function duration(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const match = /^(\d+)([smhd]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's'] : 0;
  if (!match || seconds < 1) {
    throw new ConfigError(`${name} must be a duration such as 3600, 45m, 12h or 7d, got "${raw}"`);
  }
  return seconds;
}

function databaseUrl(env: Env): string | null {
  const raw = read(env, 'DATABASE_URL');
  if (raw === undefined) return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return raw;
}

/** DATABASE_READ_URLS: comma-separated postgres:// URLs of streaming replicas. */
function databaseReadUrls(env: Env): string[] {
  const raw = read(env, 'DATABASE_READ_URLS');
  if (raw === undefined) return [];
  const urls = raw.split(',').map((item) => item.trim());
  // Items are not echoed: they may hold passwords.
  const bad = urls.findIndex((item) => !/^postgres(ql)?:\/\/./.test(item) || !URL.canParse(item));
  if (bad >= 0) {
    throw new ConfigError(
      `DATABASE_READ_URLS must list postgres:// or postgresql:// URLs of replicas, comma-separated (item ${bad + 1} is not one)`,
    );
  }
  return urls;
}

function redisUrl(env: Env): string | null {
  const raw = read(env, 'REDIS_URL');
  if (raw === undefined) return null;
  if (!/^rediss?:\/\/./.test(raw) || !URL.canParse(raw)) {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379');
  }
  return raw;
}

function jwtSecret(env: Env): string | null {
  const raw = read(env, 'JWT_SECRET');
  if (raw !== undefined && raw.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters');
  }
  return raw ?? null;
}

/** Comma-separated origins such as https://app.example.com, each normalised as browsers send it. */
function corsOrigins(env: Env): string[] {
  const raw = read(env, 'CORS_ORIGINS');
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const url = URL.canParse(item) ? new URL(item) : null;
      const bare = url !== null && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
      if (!bare || !['http:', 'https:'].includes(url.protocol)) {
        throw new ConfigError(
          `CORS_ORIGINS must list origins such as https://app.example.com (scheme, host, optional port; comma-separated), got "${item}"`,
        );
      }
      return url.origin;
    });
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** Words for TRUST_PROXY=true/false; digits there are a hop count, as in Express. */
const BOOLEAN_WORDS = new Set(['true', 'yes', 'on', 'false', 'no', 'off']);

function trustedProxyEntry(item: string): boolean {
  if (PROXY_NAMES.has(item)) return true;
  const [address, bits, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** TRUST_PROXY: true/false, a hop count, or a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal. */
function trustProxy(env: Env): TrustProxy {
  const raw = read(env, 'TRUST_PROXY')?.toLowerCase();
  if (raw === undefined) return false;
  if (BOOLEAN_WORDS.has(raw)) return bool(env, 'TRUST_PROXY', false);
  if (/^\d+$/.test(raw)) return int(env, 'TRUST_PROXY', 0, 0, 100);
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = items.find((item) => !trustedProxyEntry(item));
  if (bad !== undefined || items.length === 0) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a hop count, or addresses and subnets such as 10.0.0.1, 10.0.0.0/8, loopback (comma-separated), got "${bad ?? raw}"`,
    );
  }
  return items;
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const adminEmail = read(env, 'ADMIN_EMAIL') ?? null;
  const adminPassword = read(env, 'ADMIN_PASSWORD') ?? null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (adminPassword !== null && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  }
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    databaseUrl: databaseUrl(env),
    dataDir: resolve(read(env, 'DATA_DIR') ?? '.data'),
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    answerCacheMb: int(env, 'ANSWER_CACHE_MB', 16, 0, 4096),
    revalidationLane: bool(env, 'REVALIDATION_LANE', true),
    revalidationLaneEarly: bool(env, 'REVALIDATION_LANE_EARLY', true),
    revalidationLaneMisses: bool(env, 'REVALIDATION_LANE_MISSES', true),
    callerMemo: bool(env, 'CALLER_MEMO', true),
    jwtSecret: jwtSecret(env),
    jwtExpiresInSeconds: duration(env, 'JWT_EXPIRES_IN', 7 * 86400),
    defaultUserRole: oneOf(env, 'DEFAULT_USER_ROLE', ['pending', 'user', 'admin'] as const, 'pending'),
    enableSignup: bool(env, 'ENABLE_SIGNUP', true),
    adminEmail,
    adminPassword,
    adminName: read(env, 'ADMIN_NAME') ?? 'Admin',
    bypassAdminAccessControl: bool(env, 'BYPASS_ADMIN_ACCESS_CONTROL', true),
    userCanCreateModels: bool(env, 'USER_CAN_CREATE_MODELS', true),
    bcryptRounds: int(env, 'BCRYPT_ROUNDS', 10, 4, 15),
    logFormat: oneOf(
      env,
      'LOG_FORMAT',
      ['json', 'pretty'] as const,
      read(env, 'NODE_ENV') === 'production' ? 'json' : 'pretty',
    ),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    corsOrigins: corsOrigins(env),
    trustProxy: trustProxy(env),
    redisUrl: redisUrl(env),
    databaseReadUrls: databaseReadUrls(env),
    readReplicaMaxLagSeconds: int(env, 'READ_REPLICA_MAX_LAG', 5, 1, 3600),
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', 32 * 1024 * 1024, 1024 * 1024, 1024 * 1024 * 1024),
    auditRetentionDays:
      read(env, 'AUDIT_RETENTION_DAYS') === undefined
        ? null
        : int(env, 'AUDIT_RETENTION_DAYS', 0, AUDIT_MIN_RETENTION_DAYS, 36500),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The configuration once start-up has resolved the database URL and the JWT secret. */
export interface RuntimeConfig extends Omit<AppConfig, 'databaseUrl' | 'jwtSecret'> {
  databaseUrl: string;
  jwtSecret: string;
}
