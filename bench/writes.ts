import autocannon from 'autocannon';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { startServer } from './run/server-process';
import { signIn } from './run/service';
import { readFixtures } from './run/fixtures';

/*
 * Write throughput: creates and updates through the real service on a seeded bench database
 * (bench/README.md, "Writes"). Each create makes a new custom model; each update renames one of
 * 2,000 existing models, in turn, so writers rarely wait on one row lock. Run it for two builds
 * back to back on the same database (--service) to compare them: figures of one run alone say
 * little on a shared machine.
 */
const USAGE = `npm run bench:writes -- --database-url <url> [--service dist/main.js] [--duration 10] [--connections 10]`;

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    service: { type: 'string', default: join(__dirname, '..', 'dist', 'main.js') },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
  },
});
const databaseUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error(USAGE);
const duration = Number(values.duration);
const connections = Number(values.connections);

async function targets(): Promise<{ base: string; ids: string[] }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const base = await client.query<{ id: string }>(
      `SELECT id FROM models WHERE base_model_id IS NULL ORDER BY id LIMIT 1`,
    );
    const ids = await client.query<{ id: string }>(
      `SELECT id FROM models WHERE base_model_id IS NOT NULL AND id NOT LIKE 'bench-writes/%' ORDER BY id LIMIT 2000`,
    );
    return { base: base.rows[0].id, ids: ids.rows.map((row) => row.id) };
  } finally {
    await client.end();
  }
}

function run(url: string, token: string, body: () => string, path: string): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
}

function summary(name: string, result: autocannon.Result): string {
  const failures = result.non2xx + result.errors + result.timeouts;
  return `${name.padEnd(8)} ${result.requests.average.toFixed(1).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  failures ${failures}`;
}

async function main(): Promise<void> {
  const fixtures = await readFixtures(databaseUrl!);
  const { base, ids } = await targets();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: join(__dirname, '..', '.data', 'bench-writes'),
  };
  const server = await startServer([values.service], env, '/health');
  try {
    const token = await signIn(server.baseUrl, fixtures.admin.email, fixtures.admin.password);
    const run_ = randomBytes(4).toString('hex');
    let created = 0;
    let updated = 0;
    const create = () =>
      JSON.stringify({
        id: `bench-writes/${run_}-${(created += 1)}`,
        name: 'Bench writer',
        base_model_id: base,
        params: { system: 'You review code. '.repeat(20), temperature: 0.3 },
        meta: { description: 'A model made by the write bench', tags: ['bench', 'coding'] },
      });
    const update = () =>
      JSON.stringify({
        id: ids[(updated += 1) % ids.length],
        name: `Renamed ${updated}`,
        params: { system: `Prompt ${updated}`, temperature: 0.5 },
      });
    console.log(`service ${values.service}, ${connections} connections, ${duration} s each`);
    console.log(summary('create', await run(server.baseUrl, token, create, '/api/models/create')));
    console.log(summary('update', await run(server.baseUrl, token, update, '/api/models/model/update')));
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
