import { Client } from 'pg';
import { Actor, bearer, createGroup, createUser, signUp } from './support/actors';
import { ChildService, probe, startChildService } from './support/child-service';
import { modelApi } from './support/model-fixtures';
import { createTestDatabase } from './support/test-database';

const REQUESTS = 20;
// The import writes 500 models per transaction: enough chunks that a crash lands between two.
const IMPORTED = 4000;

interface Started {
  db: { url: string; drop: () => Promise<void> };
  service: ChildService;
  pg: Client;
  admin: Actor;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A fresh database, the real entry point on it, its first (admin) account and a client of our own. */
async function start(env: Record<string, string> = {}): Promise<Started> {
  const db = await createTestDatabase();
  let service: ChildService | undefined;
  try {
    service = await startChildService(db.url, env);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const admin = await signUp(service, 'Admin', 'admin@example.test');
    return { db, service, pg, admin };
  } catch (error) {
    await service?.cleanup();
    await db.drop();
    throw error;
  }
}

async function stop(s: Started | undefined): Promise<void> {
  if (!s) return;
  await s.pg.end().catch(() => undefined);
  await s.service.cleanup();
  await s.db.drop();
}

/** POST through fetch, resolving with status and body, or the connection error's code. */
async function post(port: number, path: string, token: string): Promise<{ status: number | string; body: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: bearer(token) });
    return { status: res.status, body: await res.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: cause?.code ?? String(error), body: '' };
  }
}

function importModels(s: Started, models: object[]) {
  return modelApi(s.service, s.admin).importModels(models);
}

describe('SIGTERM while requests are in flight', () => {
  let s: Started | undefined;
  afterAll(() => stop(s));

  it('answers every accepted request with 200, refuses new connections, and exits with code 0', async () => {
    s = await start({ DB_POOL_SIZE: String(REQUESTS + 5) });
    const { pg, service } = s;
    const token = s.admin.token;
    await importModels(s, [{ id: 'acme/base', name: 'Base', owned_by: 'acme' }]).expect(200);
    const models = Array.from({ length: 40 }, (_, i) => ({
      id: `load/m${i}`,
      name: `Model ${i}`,
      base_model_id: 'acme/base',
    }));
    await importModels(s, models).expect(200);

    const toggle = () => post(service.port, '/api/models/model/toggle?id=load%2Fm0', token);
    // Hold the model's row from another session: every toggle then waits inside its handler,
    // provably accepted and in flight. (Watched from `pg`, outside that transaction, whose
    // view of pg_stat_activity would stay frozen at its first look.)
    const holder = new Client({ connectionString: s.db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT id FROM models WHERE id = 'load/m0' FOR UPDATE`);
    const inFlight = Array.from({ length: REQUESTS }, () => toggle());
    try {
      await until('every toggle to wait on the row lock', async () => {
        const { rows } = await pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows[0].n >= REQUESTS;
      });
      service.child.kill('SIGTERM');
      await until('the listener to close', async () => (await probe(service.port)) === 'ECONNREFUSED');
      expect(service.child.exitCode).toBeNull(); // still finishing the requests it accepted
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }

    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    // Each toggle was applied once, one after the other: an even number leaves the model active.
    const { rows } = await pg.query(`SELECT is_active FROM models WHERE id = 'load/m0'`);
    expect(rows).toEqual([{ is_active: REQUESTS % 2 === 0 }]);
    // Each toggle that answered 200 left one version and one audit record.
    const records = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE target_id = 'load/m0' AND action = 'model.toggle'`,
    );
    expect(records.rows).toEqual([{ n: REQUESTS }]);
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(await probe(service.port)).toBe('ECONNREFUSED');
  });
});

describe('a crash (kill -9) in the middle of an import', () => {
  let s: Started | undefined;
  afterAll(() => stop(s));

  it('leaves each imported model either whole with all its grants, or absent', async () => {
    s = await start();
    const { pg, service, admin } = s;
    const user = async (email: string) => (await createUser(service, admin, { name: email, email })).id;
    const [reader, writer] = [await user('r@example.test'), await user('w@example.test')];
    const groupId = await createGroup(service, admin, 'g', []);
    await importModels(s, [{ id: 'acme/base', name: 'Base', owned_by: 'acme' }]).expect(200);
    const grants = [
      { principal_type: 'user', principal_id: reader, permission: 'read' },
      { principal_type: 'user', principal_id: writer, permission: 'write' },
      { principal_type: 'group', principal_id: groupId, permission: 'read' },
    ];
    const models = Array.from({ length: IMPORTED }, (_, i) => ({
      id: `crash/m${String(i).padStart(3, '0')}`,
      name: `Crash ${i}`,
      base_model_id: 'acme/base',
      params: { system: `prompt ${i}` },
      access_grants: grants,
    }));

    const importing = importModels(s, models).then(
      () => 'answered',
      () => 'cut off',
    );
    const stored = async () => {
      const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM models WHERE id LIKE 'crash/%'`);
      return rows[0].n;
    };
    await until('the import to be under way', async () => (await stored()) >= 20);
    service.child.kill('SIGKILL');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await importing).toBe('cut off');

    const { rows } = await pg.query<{ id: string; grants: number; params: unknown; is_public: boolean }>(
      `SELECT m.id, m.params, m.is_public, count(g.model_id)::int AS grants
       FROM models m LEFT JOIN access_grants g ON g.model_id = m.id
       WHERE m.id LIKE 'crash/%' GROUP BY m.id ORDER BY m.id`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeLessThan(IMPORTED); // the crash did cut the import short
    const incomplete = rows.filter((row, i) => row.grants !== 3 || row.is_public || row.id !== models[i].id);
    expect(incomplete).toEqual([]);
    const orphans = await pg.query(`SELECT model_id FROM access_grants WHERE model_id NOT IN (SELECT id FROM models)`);
    expect(orphans.rows).toEqual([]);
    // Each stored model has its version 1 in the history, and no version exists without its model.
    const history = await pg.query<{ model_id: string }>(
      `SELECT model_id FROM model_history WHERE model_id LIKE 'crash/%' AND version = 1 AND action = 'import' ORDER BY model_id`,
    );
    expect(history.rows.map((row) => row.model_id)).toEqual(rows.map((row) => row.id));
    // The same for the audit log: one record per stored model, none for a model the crash lost.
    const audited = await pg.query<{ target_id: string }>(
      `SELECT target_id FROM audit_log WHERE target_id LIKE 'crash/%' AND action = 'model.import' ORDER BY target_id`,
    );
    expect(audited.rows.map((row) => row.target_id)).toEqual(rows.map((row) => row.id));
  });
});
