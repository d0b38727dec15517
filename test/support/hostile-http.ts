import { request as httpRequest } from 'node:http';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** An answer as the tests inspect it, from supertest or from a raw request. */
export interface Answer {
  status: number;
  text: string;
  body: unknown;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Sends exactly these bytes (supertest re-encodes bodies, so invalid UTF-8 needs this) and
 * the URL as given, without re-encoding.
 */
export function rawRequest(
  t: TestApp,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<Answer> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: method.toUpperCase(), path, headers: { ...headers, connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, body: parsed(text) });
        });
      },
    );
    req.on('error', reject);
    if (body) req.setHeader('content-length', body.length);
    req.end(body);
  });
}

/** What an error body must never carry: stack frames, SQL, driver errors, password hashes. */
const LEAKS =
  /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|QueryFailedError|\b(SELECT|INSERT|UPDATE|DELETE)\b.+\b(FROM|INTO|SET|WHERE)\b|\$2[aby]\$\d\d\$|syntax error at/i;

/** Why this answer is not a clean client error, or null: a 4xx, in the right shape, leaking nothing. */
export function cleanErrorProblem(path: string, answer: Answer): string | null {
  if (answer.status < 400 || answer.status >= 500) return `status ${answer.status}`;
  if (LEAKS.test(answer.text)) return `leaks internals: ${answer.text.slice(0, 200)}`;
  const body = answer.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return `not a JSON body: ${answer.text.slice(0, 100)}`;
  const message = errorMessage(path, body);
  return message === null ? `wrong error shape: ${answer.text.slice(0, 200)}` : null;
}

/** The readable message of an error body in the §5 shape (or a gateway family's under /v1), else null. */
export function errorMessage(path: string, body: Record<string, unknown>): string | null {
  const error = body.error as Record<string, unknown> | undefined;
  if (/^\/v1(beta)?\//.test(path)) {
    if (typeof error?.message === 'string') return error.message; // OpenAI, Anthropic, Gemini
    return null;
  }
  const keys = Object.keys(body).sort().join();
  if (keys !== 'detail,error,message,statusCode' || typeof body.detail !== 'string') return null;
  return body.detail;
}

/** supertest's answer in the form the checks take. */
export function answerOf(res: request.Response): Answer {
  return { status: res.status, text: res.text, body: res.body as unknown };
}

/** Every row of the tables that hold the registry's data, in a stable order, for before/after checks. */
export async function snapshotTables(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    users: 'SELECT * FROM users ORDER BY id',
    groups: 'SELECT * FROM groups ORDER BY id',
    group_members: 'SELECT * FROM group_members ORDER BY group_id, user_id',
    models: 'SELECT * FROM models ORDER BY id',
    access_grants: 'SELECT * FROM access_grants ORDER BY model_id, principal_type, principal_id',
    api_keys:
      'SELECT id, user_id, name, key_hash, group_id, models, read_only, expires_at, created_at FROM api_keys ORDER BY id',
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) snapshot[name] = await dataSource.query(sql);
  return snapshot;
}
