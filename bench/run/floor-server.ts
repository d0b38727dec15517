/**
 * THE FLOOR: a bare node:http server that, for GET /<scenario>, sends PostgreSQL exactly the
 * statements the service sent for one request of that scenario (captured by pg-capture.ts), in
 * the same steps (statements of a step in parallel), on a pg.Pool of the service's size. No
 * framework, no ORM, no mapping of rows to JSON: what is left is the database work and HTTP.
 *
 * Started by floor.ts: node -r ts-node/register/transpile-only floor-server.ts <requests.json>
 */
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool, types } from 'pg';
import type { CapturedRequest } from './capture';

// As the service reads bigint (src/database/data-source-options.ts).
types.setTypeParser(types.builtins.INT8, (value) => Number.parseInt(value, 10));

const requests = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CapturedRequest[];
const byPath = new Map(requests.map((request) => [`/${request.scenario}`, request]));
// The pool options of the service (dataSourceOptions' `extra`).
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE),
  connectionTimeoutMillis: 3000,
  statement_timeout: 30000,
});

async function replay(request: CapturedRequest): Promise<number[]> {
  const rows: number[] = [];
  for (const step of request.steps) {
    // A statement the service prepared is prepared here too (same name): the same work in PostgreSQL.
    const results = await Promise.all(step.map((statement) => pool.query(statement)));
    rows.push(...results.map((result) => result.rowCount ?? 0));
  }
  return rows;
}

function answer(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function handle(req: IncomingMessage, response: ServerResponse): void {
  if (req.url === '/health') return answer(response, 200, { status: 'ok' });
  const request = byPath.get(req.url ?? '');
  if (!request) return answer(response, 404, { error: 'no such scenario' });
  replay(request).then(
    (rows) => answer(response, 200, { rows }),
    (error: unknown) => answer(response, 500, { error: String(error) }),
  );
}

createServer(handle).listen(Number(process.env.PORT), '127.0.0.1');
