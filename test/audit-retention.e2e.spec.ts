import request from 'supertest';
import { DataSource } from 'typeorm';
import { pruneAuditLog } from '../src/audit/audit-retention';
import { bearer, signUp } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { createTestDatabase } from './support/test-database';
import type { TestApp } from './support/test-app';

const DAY = 86400;
let database: { url: string; drop: () => Promise<void> };
let t: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  t = await startAppOnDatabase(database.url);
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});
beforeEach(async () => {
  // Each test starts from an empty log: only a superuser test may switch the trigger off for that.
  await t.dataSource.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate`);
  await t.dataSource.query(`TRUNCATE audit_log`);
  await t.dataSource.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate`);
});

/** Inserts `count` records whose `at` is `ageSeconds` before the database's now; target ids `<label>-<n>`. */
async function recordsAged(label: string, ageSeconds: number, count = 1): Promise<void> {
  await t.dataSource.query(
    `INSERT INTO audit_log (at, via, action, target_type, target_id, before, after)
     SELECT extract(epoch FROM now())::bigint - $1, 'system', 'model.toggle', 'model', $2 || '-' || n,
            '{"is_active": true}', '{"is_active": false}'
     FROM generate_series(1, $3::int) n`,
    [ageSeconds, label, count],
  );
}

async function labels(db: DataSource = t.dataSource): Promise<string[]> {
  const rows: { label: string }[] = await db.query(
    `SELECT DISTINCT split_part(target_id, '-', 1) AS label FROM audit_log ORDER BY 1`,
  );
  return rows.map((row) => row.label);
}

const count = async () => Number((await t.dataSource.query(`SELECT count(*) AS n FROM audit_log`))[0].n);

describe('pruning at the cut-off', () => {
  it('deletes the records older than the retention and never a younger one', async () => {
    await recordsAged('ancient', 3 * 365 * DAY, 3);
    await recordsAged('past', 30 * DAY + 5);
    await recordsAged('inside', 30 * DAY - 5);
    await recordsAged('recent', 60);
    expect(await pruneAuditLog(t.dataSource, 30)).toBe(4);
    expect(await labels()).toEqual(['inside', 'recent']);
    expect(await pruneAuditLog(t.dataSource, 30)).toBe(0);
  });

  it('counts days from the retention asked for', async () => {
    await recordsAged('year', 366 * DAY);
    await recordsAged('quarter', 91 * DAY);
    expect(await pruneAuditLog(t.dataSource, 365)).toBe(1);
    expect(await labels()).toEqual(['quarter']);
    expect(await pruneAuditLog(t.dataSource, 90)).toBe(1);
    expect(await labels()).toEqual([]);
  });

  it('deletes a backlog larger than one batch, in batches', async () => {
    await recordsAged('old', 100 * DAY, 25_000);
    await recordsAged('kept', 10 * DAY, 10);
    expect(await pruneAuditLog(t.dataSource, 30)).toBe(25_000);
    expect(await labels()).toEqual(['kept']);
  });

  it('is safe with several instances pruning at once: each old record goes once, the rest stay', async () => {
    await recordsAged('old', 40 * DAY, 25_000);
    await recordsAged('kept', 29 * DAY, 50);
    const instances = await Promise.all(
      [1, 2, 3].map(() => new DataSource({ type: 'postgres', url: database.url, poolSize: 2 }).initialize()),
    );
    try {
      const deleted = await Promise.all([t.dataSource, ...instances].map((db) => pruneAuditLog(db, 30)));
      expect(deleted.reduce((a, b) => a + b, 0)).toBe(25_000);
      expect(await labels()).toEqual(['kept']);
      expect(await count()).toBe(50);
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
    }
  });

  it('refuses a retention under 30 days, deleting nothing', async () => {
    await recordsAged('month', 29 * DAY);
    await expect(pruneAuditLog(t.dataSource, 29)).rejects.toThrow(/kept at least 30 days/);
    await expect(pruneAuditLog(t.dataSource, 0)).rejects.toThrow(/kept at least 30 days/);
    expect(await labels()).toEqual(['month']);
  });
});

describe('what stays untouchable', () => {
  /** Runs `statement` in a transaction that first sets the pruning cut-off itself, as a forger would. */
  async function withForgedCutoff(cutoffAgeSeconds: number, statement: string): Promise<void> {
    await t.dataSource.transaction(async (manager) => {
      await manager.query(
        `SELECT set_config('registry.audit_prune_before', (extract(epoch FROM now())::bigint - $1)::text, true)`,
        [cutoffAgeSeconds],
      );
      await manager.query(statement);
    });
  }

  it('refuses to delete a record inside the retention window, whatever cut-off a session sets', async () => {
    await recordsAged('inside', 10 * DAY);
    await recordsAged('old', 45 * DAY);
    for (const age of [0, 10 * DAY - 1, 29 * DAY]) {
      await expect(withForgedCutoff(age, `DELETE FROM audit_log WHERE target_id LIKE 'inside-%'`)).rejects.toThrow(
        /audit records cannot be changed or deleted \(DELETE\)/,
      );
    }
    // Even a cut-off of 31 days deletes nothing younger than it.
    await expect(withForgedCutoff(31 * DAY, `DELETE FROM audit_log`)).rejects.toThrow(/cannot be changed or deleted/);
    await expect(t.dataSource.query(`DELETE FROM audit_log WHERE target_id LIKE 'old-%'`)).rejects.toThrow(
      /cannot be changed or deleted/,
    );
    expect(await labels()).toEqual(['inside', 'old']);
  });

  it('refuses to change any record and to truncate, even past the cut-off', async () => {
    await recordsAged('old', 400 * DAY);
    await expect(withForgedCutoff(31 * DAY, `UPDATE audit_log SET actor_name = 'someone else'`)).rejects.toThrow(
      /cannot be changed or deleted \(UPDATE\)/,
    );
    await expect(withForgedCutoff(31 * DAY, `TRUNCATE audit_log`)).rejects.toThrow(
      /cannot be changed or deleted \(TRUNCATE\)/,
    );
    expect(await t.dataSource.query(`SELECT actor_name FROM audit_log`)).toEqual([{ actor_name: null }]);
  });

  it('has no route that prunes: every method on the audit routes but GET is a 404', async () => {
    const admin = await signUp(t, 'Retention Admin');
    await recordsAged('old', 400 * DAY);
    for (const path of ['/api/audit', '/api/audit/prune', '/api/v1/audit']) {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        expect((await request(t.server)[method](path).set(bearer(admin.token))).status).toBe(404);
      }
    }
    expect(await labels()).toContain('old');
  });
});

describe('the service job (AUDIT_RETENTION_DAYS)', () => {
  it('keeps every record when AUDIT_RETENTION_DAYS is unset, and prunes at start when it is set', async () => {
    await recordsAged('old', 400 * DAY);
    await recordsAged('recent', 40 * DAY);
    const keeping = await startAppOnDatabase(database.url, { auditRetentionDays: null });
    await keeping.close();
    expect(await labels()).toEqual(['old', 'recent']);

    const pruning = await startAppOnDatabase(database.url, { auditRetentionDays: 365 });
    await pruning.close(); // close() waits for the pruning it started
    expect(await labels()).toEqual(['recent']);
  });
});
