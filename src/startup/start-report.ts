import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import type { EmbeddedDatabase } from '../database/embedded-postgres';

/** What the start lines report, gathered by main.ts once the server listens. */
export interface StartFacts {
  config: AppConfig;
  /** The port actually bound (PORT=0 picks one). */
  port: number;
  embedded: EmbeddedDatabase | null;
  accounts: number;
}

/** A DATABASE_URL fit for a log: the password replaced. */
export function maskDatabaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

function databaseLine({ config, embedded }: StartFacts): string {
  if (!embedded) return `PostgreSQL: ${maskDatabaseUrl(config.databaseUrl ?? '')} (DATABASE_URL)`;
  const moved = embedded.home.databaseDir !== join(config.dataDir, 'pg');
  const why = moved ? ' (DATA_DIR is in a folder the postgres user cannot enter)' : '';
  return `PostgreSQL: embedded, 127.0.0.1:${embedded.port}, data in ${embedded.home.databaseDir}${why}`;
}

/** The lines a person needs after `npm start`: where to go, where things are, what to do first. */
export function startReport(facts: StartFacts): string[] {
  const { config, port, embedded } = facts;
  const url = `http://localhost:${port}`;
  const lines = [
    `Model registry ready at ${url} (listening on all interfaces, port ${port}); API docs at ${url}/docs`,
    `Data folder: ${config.dataDir}`,
    databaseLine(facts),
  ];
  if (embedded?.home.binariesCopiedTo) {
    lines.push(
      `PostgreSQL binaries copied to ${embedded.home.binariesCopiedTo}: the postgres user cannot enter this checkout`,
    );
  }
  if (!config.jwtSecret) {
    lines.push(
      `JWT secret generated and kept in ${join(config.dataDir, 'jwt-secret')}: ` +
        'other instances serving the same accounts need the same value as JWT_SECRET',
    );
  }
  if (facts.accounts === 0) {
    lines.push(
      config.enableSignup
        ? `No accounts yet: the first sign-up (POST ${url}/api/auths/signup) becomes the admin`
        : 'No accounts yet and ENABLE_SIGNUP=false: set ADMIN_EMAIL and ADMIN_PASSWORD to create the first admin',
    );
  }
  return lines;
}

/** The one line printed when start-up fails: what went wrong and what to change, never a stack. */
export function describeStartFailure(error: unknown): string {
  const errno = error as NodeJS.ErrnoException & { port?: number };
  if (errno?.code === 'EADDRINUSE') {
    const port = errno.port === undefined ? '' : ` ${errno.port}`;
    return `port${port} is already in use (another program, or another instance of the registry): set PORT to a free port`;
  }
  if (errno?.code === 'EACCES' && errno.syscall === 'listen') {
    return `not allowed to listen on port ${errno.port ?? ''}: set PORT to 1024 or above`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
