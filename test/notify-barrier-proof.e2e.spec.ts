import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { createTestDatabase } from './support/test-database';

/**
 * The ordering a LISTEN/NOTIFY caller memo would rest on (docs/caller-memo.md), tested on the real
 * server: once a writer's COMMIT has returned, a `SELECT 1` sent AFTER that on a LISTENing
 * connection returns only after that connection has delivered the writer's notification.
 *
 * PostgreSQL 15 (src/backend/commands/async.c, src/backend/tcop/postgres.c): the committing backend
 * signals the listeners (SignalBackends, from AtCommit_Notify) before its client gets the commit's
 * ReadyForQuery; a listener reads a signalled notification after any client read
 * (ProcessClientReadInterrupt) and before sending ReadyForQuery. The test drives many writers and
 * readers at once, with the CPUs kept busy by other processes, and counts violations (must be 0).
 * It also counts how often the notification had NOT yet arrived when the COMMIT returned (without a
 * barrier), which shows the barrier is what orders them and that the check can fail.
 */

const CHANNEL = 'barrier_proof';
const WRITERS = 6;
const ROUNDS = Number(process.env.BARRIER_PROOF_ROUNDS ?? 700);

interface Counts {
  rounds: number;
  violations: number;
  notYetAtCommit: number;
  batchedViolations: number;
}

/** Busy loops in other processes, so the server's backends compete for the CPUs. */
function burners(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}

describe('NOTIFY ordering behind a barrier round trip (real PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await db.drop();
  });

  async function connect(): Promise<Client> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
    return client;
  }

  it('delivers every committed notification before the result of a SELECT 1 sent after the COMMIT returned', async () => {
    const setup = await connect();
    await setup.query(`CREATE TABLE proof_rows (id int PRIMARY KEY, v bigint NOT NULL)`);
    await setup.query(`INSERT INTO proof_rows SELECT g, 0 FROM generate_series(0, ${WRITERS - 1}) g`);
    // As the memo's triggers would: the notification is sent by a trigger inside the writing transaction.
    await setup.query(`CREATE FUNCTION proof_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${CHANNEL}', NEW.id || ':' || NEW.v); RETURN NULL; END $$`);
    await setup.query(
      `CREATE TRIGGER proof_notify AFTER UPDATE ON proof_rows FOR EACH ROW EXECUTE FUNCTION proof_notify()`,
    );

    // Two listening connections: one takes a plain barrier per check, the other a batched one.
    const listener = await connect();
    const batchedListener = await connect();
    const seen = new Set<string>();
    const seenBatched = new Set<string>();
    listener.on('notification', (n) => seen.add(n.payload ?? ''));
    batchedListener.on('notification', (n) => seenBatched.add(n.payload ?? ''));
    await listener.query(`LISTEN ${CHANNEL}`);
    await batchedListener.query(`LISTEN ${CHANNEL}`);

    // The batched barrier: a waiter shares the next round trip SENT after it arrived.
    let inFlight: Promise<unknown> | null = null;
    let next: Promise<unknown> | null = null;
    const batchedBarrier = (): Promise<unknown> => {
      if (inFlight === null) {
        const sent = batchedListener.query('SELECT 1').finally(() => {
          if (inFlight === sent) inFlight = null;
        });
        inFlight = sent;
        return sent;
      }
      next ??= inFlight.then(() => {
        next = null;
        return batchedBarrier();
      });
      return next;
    };

    const writers = await Promise.all(Array.from({ length: WRITERS }, () => connect()));
    // Noise: other sessions notifying the same channel all the time, in their own transactions.
    const noisy = await Promise.all([connect(), connect()]);
    let noiseOn = true;
    const noise = noisy.map(async (c, i) => {
      for (let n = 0; noiseOn; n += 1) await c.query(`SELECT pg_notify('${CHANNEL}', 'noise-${i}-${n}')`);
    });

    // One query at a time on the plain listener (node-pg queues, but warns): each is still sent after its COMMIT.
    let plainQueue: Promise<unknown> = Promise.resolve();
    const plainBarrier = (): Promise<unknown> => (plainQueue = plainQueue.then(() => listener.query('SELECT 1')));

    const counts: Counts = { rounds: 0, violations: 0, notYetAtCommit: 0, batchedViolations: 0 };
    const burning = burners(3);
    try {
      await Promise.all(
        writers.map(async (writer, id) => {
          for (let round = 1; round <= ROUNDS; round += 1) {
            const payload = `${id}:${round}`;
            await writer.query('BEGIN');
            await writer.query('UPDATE proof_rows SET v = v + 1 WHERE id = $1', [id]);
            await writer.query('COMMIT');
            // The COMMIT has returned: from here on the reader's barrier is "sent after".
            if (!seen.has(payload)) counts.notYetAtCommit += 1;
            const [plain] = await Promise.all([
              plainBarrier().then(() => seen.has(payload)),
              batchedBarrier().then(() => {
                if (!seenBatched.has(payload)) counts.batchedViolations += 1;
              }),
            ]);
            if (!plain) counts.violations += 1;
            counts.rounds += 1;
          }
        }),
      );
    } finally {
      noiseOn = false;
      burning.forEach((child) => child.kill());
      await Promise.all(noise);
    }

    console.log('notify barrier proof', JSON.stringify(counts));
    expect(counts.rounds).toBe(WRITERS * ROUNDS);
    expect({ violations: counts.violations, batchedViolations: counts.batchedViolations }).toEqual({
      violations: 0,
      batchedViolations: 0,
    });
  }, 600_000);
});
