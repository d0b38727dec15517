import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '../../src/config/app-config';
import { loadJwtSecret } from '../../src/config/jwt-secret';

const SECRET_32 = 'a'.repeat(32);

/** The error loadConfig throws for this environment (fails the test if it throws none). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives every setting its default when the environment is empty', () => {
    const expected: AppConfig = {
      port: 8080,
      databaseUrl: null,
      dataDir: resolve('.data'),
      embeddedPgPort: 54329,
      dbPoolSize: 10,
      answerCacheMb: 16,
      revalidationLane: true,
      revalidationLaneEarly: true,
      revalidationLaneMisses: true,
      callerMemo: true,
      jwtSecret: null,
      jwtExpiresInSeconds: 7 * 86400,
      defaultUserRole: 'pending',
      enableSignup: true,
      adminEmail: null,
      adminPassword: null,
      adminName: 'Admin',
      bypassAdminAccessControl: true,
      userCanCreateModels: true,
      bcryptRounds: 10,
      logFormat: 'pretty',
      logLevel: 'info',
      corsOrigins: [],
      trustProxy: false,
      redisUrl: null,
      databaseReadUrls: [],
      readReplicaMaxLagSeconds: 5,
      importMaxBytes: 32 * 1024 * 1024,
      auditRetentionDays: null,
    };
    expect(loadConfig({})).toEqual(expected);
  });

  it('treats blank values as unset, as an empty line in .env.example leaves them', () => {
    expect(loadConfig({ PORT: '', JWT_SECRET: '', ADMIN_EMAIL: '  ', ADMIN_PASSWORD: '' })).toEqual(loadConfig({}));
  });

  it('reads valid values, trimmed', () => {
    const config = loadConfig({
      PORT: ' 3000 ',
      DATABASE_URL: 'postgresql://u:p@db:5432/registry',
      DATA_DIR: '/var/lib/registry',
      EMBEDDED_PG_PORT: '6543',
      DB_POOL_SIZE: '25',
      ANSWER_CACHE_MB: '0',
      JWT_SECRET: SECRET_32,
      JWT_EXPIRES_IN: '12h',
      DEFAULT_USER_ROLE: 'user',
      ENABLE_SIGNUP: 'no',
      ADMIN_EMAIL: 'root@example.test',
      ADMIN_PASSWORD: 'long-enough',
      ADMIN_NAME: 'Root',
      BYPASS_ADMIN_ACCESS_CONTROL: 'FALSE',
      USER_CAN_CREATE_MODELS: '0',
      BCRYPT_ROUNDS: '12',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
      CORS_ORIGINS: ' https://App.example.com , http://localhost:3000/,https://b.example.com:443',
      TRUST_PROXY: 'loopback, 10.0.0.0/8,::1',
      REDIS_URL: 'redis://:secret@cache:6379/2',
      DATABASE_READ_URLS: 'postgres://r:p@replica1:5432/registry, postgresql://replica2/registry',
      READ_REPLICA_MAX_LAG: '30',
      IMPORT_MAX_BYTES: '2097152',
      AUDIT_RETENTION_DAYS: '365',
      CALLER_MEMO: 'false',
    });
    expect(config).toEqual({
      port: 3000,
      databaseUrl: 'postgresql://u:p@db:5432/registry',
      dataDir: '/var/lib/registry',
      embeddedPgPort: 6543,
      dbPoolSize: 25,
      answerCacheMb: 0,
      revalidationLane: true,
      revalidationLaneEarly: true,
      revalidationLaneMisses: true,
      callerMemo: false,
      jwtSecret: SECRET_32,
      jwtExpiresInSeconds: 12 * 3600,
      defaultUserRole: 'user',
      enableSignup: false,
      adminEmail: 'root@example.test',
      adminPassword: 'long-enough',
      adminName: 'Root',
      bypassAdminAccessControl: false,
      userCanCreateModels: false,
      bcryptRounds: 12,
      logFormat: 'json',
      logLevel: 'debug',
      corsOrigins: ['https://app.example.com', 'http://localhost:3000', 'https://b.example.com'],
      trustProxy: ['loopback', '10.0.0.0/8', '::1'],
      redisUrl: 'redis://:secret@cache:6379/2',
      databaseReadUrls: ['postgres://r:p@replica1:5432/registry', 'postgresql://replica2/registry'],
      readReplicaMaxLagSeconds: 30,
      importMaxBytes: 2097152,
      auditRetentionDays: 365,
    });
  });

  it.each([
    ['true', true],
    ['Off', false],
    ['2', 2],
    ['0', 0],
    ['192.168.1.10', ['192.168.1.10']],
    ['uniquelocal,fd00::/8', ['uniquelocal', 'fd00::/8']],
  ])('reads TRUST_PROXY=%s as %j (digits are a hop count, as in Express)', (raw, expected) => {
    expect(loadConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each([
    ['3600', 3600],
    ['45m', 45 * 60],
    ['12h', 12 * 3600],
    ['7d', 7 * 86400],
  ])('reads JWT_EXPIRES_IN=%s as %i seconds', (raw, seconds) => {
    expect(loadConfig({ JWT_EXPIRES_IN: raw }).jwtExpiresInSeconds).toBe(seconds);
  });

  it.each(['true', '1', 'yes', 'on', 'TRUE'])('reads %s as true', (raw) => {
    expect(loadConfig({ ENABLE_SIGNUP: raw }).enableSignup).toBe(true);
  });

  it.each(['false', '0', 'no', 'off', 'Off'])('reads %s as false', (raw) => {
    expect(loadConfig({ ENABLE_SIGNUP: raw }).enableSignup).toBe(false);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://root@db/registry'],
    ['DATABASE_URL', 'db:5432'],
    ['REDIS_URL', '127.0.0.1:6379'],
    ['REDIS_URL', 'http://cache:6379'],
    ['DATABASE_READ_URLS', 'replica:5432'],
    ['DATABASE_READ_URLS', 'postgres://replica1/registry,,postgres://replica2/registry'],
    ['READ_REPLICA_MAX_LAG', '0'],
    ['READ_REPLICA_MAX_LAG', '5s'],
    ['EMBEDDED_PG_PORT', '0'],
    ['EMBEDDED_PG_PORT', '70000'],
    ['DB_POOL_SIZE', '0'],
    ['DB_POOL_SIZE', '201'],
    ['DB_POOL_SIZE', 'ten'],
    ['JWT_SECRET', 'a'.repeat(31)],
    ['JWT_EXPIRES_IN', '0'],
    ['JWT_EXPIRES_IN', '0m'],
    ['JWT_EXPIRES_IN', '2w'],
    ['JWT_EXPIRES_IN', '-5'],
    ['JWT_EXPIRES_IN', 'forever'],
    ['DEFAULT_USER_ROLE', 'owner'],
    ['DEFAULT_USER_ROLE', 'Admin'],
    ['ENABLE_SIGNUP', 'maybe'],
    ['BYPASS_ADMIN_ACCESS_CONTROL', 'maybe'],
    ['USER_CAN_CREATE_MODELS', 'sometimes'],
    ['AUDIT_RETENTION_DAYS', '29'],
    ['AUDIT_RETENTION_DAYS', '90d'],
    ['AUDIT_RETENTION_DAYS', '36501'],
    ['BCRYPT_ROUNDS', '3'],
    ['BCRYPT_ROUNDS', '16'],
    ['BCRYPT_ROUNDS', 'fast'],
    ['LOG_FORMAT', 'text'],
    ['LOG_LEVEL', 'verbose'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['CORS_ORIGINS', 'https://app.example.com/path'],
    ['CORS_ORIGINS', 'https://ok.example.com,ftp://files.example.com'],
    ['TRUST_PROXY', 'maybe'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'proxy.example.com'],
    ['TRUST_PROXY', 'loopback,10.0.0.1/8/1'],
    ['TRUST_PROXY', '101'],
    ['TRUST_PROXY', ','],
    ['IMPORT_MAX_BYTES', '1048575'],
    ['IMPORT_MAX_BYTES', '32MiB'],
    ['IMPORT_MAX_BYTES', '1073741825'],
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });

  it('logs JSON by default in production, and LOG_FORMAT wins over NODE_ENV', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'development' }).logFormat).toBe('pretty');
  });

  it('rejects ADMIN_EMAIL without ADMIN_PASSWORD, and the reverse', () => {
    expect(configError({ ADMIN_EMAIL: 'root@example.test' }).message).toMatch(/ADMIN_EMAIL.*ADMIN_PASSWORD/);
    expect(configError({ ADMIN_PASSWORD: 'long-enough' }).message).toMatch(/ADMIN_EMAIL.*ADMIN_PASSWORD/);
  });

  it('rejects an ADMIN_PASSWORD shorter than 8 characters', () => {
    expect(configError({ ADMIN_EMAIL: 'root@example.test', ADMIN_PASSWORD: 'short' }).message).toContain(
      'ADMIN_PASSWORD',
    );
  });

  it('never repeats a secret in its error message', () => {
    const secrets = {
      JWT_SECRET: 'tiny-secret-value',
      DATABASE_URL: 'mysql://root:hunter2-password@db/registry',
      ADMIN_PASSWORD: 'pw-1234',
    };
    for (const [name, value] of Object.entries(secrets)) {
      const env = name === 'ADMIN_PASSWORD' ? { ADMIN_EMAIL: 'root@example.test', [name]: value } : { [name]: value };
      expect(configError(env).message).not.toContain(value);
    }
  });

  it('reads exactly the variables .env.example lists, each with a comment above it', () => {
    const read = new Set<string>();
    const empty: Record<string, string | undefined> = {};
    const recorder = new Proxy(empty, {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    loadConfig(recorder);

    const lines = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8').split('\n');
    const listed = new Map<string, string>();
    lines.forEach((line, index) => {
      const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
      if (match) listed.set(match[1], lines[index - 1] ?? '');
    });
    expect([...listed.keys()].sort()).toEqual([...read].sort());
    for (const [name, comment] of listed) {
      expect({ name, comment: /^# \S/.test(comment) }).toEqual({ name, comment: true });
    }
  });
});

describe('loadJwtSecret', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'registry-jwt-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the configured secret and writes nothing', async () => {
    const dataDir = join(dir, 'data');
    await expect(loadJwtSecret(SECRET_32, dataDir)).resolves.toBe(SECRET_32);
    expect(() => statSync(dataDir)).toThrow();
  });

  it('generates a secret once, keeps it private in DATA_DIR/jwt-secret, and returns it again on the next start', async () => {
    const dataDir = join(dir, 'not', 'yet', 'created');
    const first = await loadJwtSecret(null, dataDir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = join(dataDir, 'jwt-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(loadJwtSecret(null, dataDir)).resolves.toBe(first);
  });

  it('gives different data folders different secrets', async () => {
    const one = await loadJwtSecret(null, join(dir, 'one'));
    const two = await loadJwtSecret(null, join(dir, 'two'));
    expect(one).not.toBe(two);
  });

  it('replaces a stored secret too short to be safe', async () => {
    writeFileSync(join(dir, 'jwt-secret'), 'short\n');
    const secret = await loadJwtSecret(null, dir);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await expect(loadJwtSecret(null, dir)).resolves.toBe(secret);
  });
});
