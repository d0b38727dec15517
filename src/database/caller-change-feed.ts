import { Client, type ClientConfig } from 'pg';
import { CALLER_CHANGES_CHANNEL } from './migrations/1796090000000-CallerChangeNotifications';

/** A barrier slower than this counts as a lost connection: the memo is emptied and not used until LISTEN is back. */
const BARRIER_TIMEOUT_MS = 2000;
/** The barrier: a round trip that also says which backend answered it. */
const PID = 'SELECT pg_backend_pid() AS pid';
/** Wait before connecting again after the listening connection was lost or could not be opened. */
const RECONNECT_MS = 1000;

/**
 * What the caller memo (AuthUserLoader) needs to know that what it remembers is current
 * (docs/caller-memo.md): one connection to the PRIMARY that LISTENs on the channel every change
 * to callers and change tracking notifies in its own transaction (migration
 * CallerChangeNotifications), and the barrier.
 *
 * - `generation` moves on every notification, every loss of the connection and every new LISTEN.
 *   A memo entry is kept only if the generation did not move while it was being read, and the memo
 *   is emptied whenever it moves (`onChange`).
 * - `settled()` is the barrier: a `SELECT pg_backend_pid()` on the listening connection SENT after
 *   the call (the pid proves the listening backend answered it). A
 *   change whose COMMIT had returned to its writer (on any instance) before the call has had its
 *   notification delivered, and so `onChange` run, before the barrier's result: PostgreSQL signals
 *   the listeners in the commit itself, and a listening backend sends the notifications it was
 *   signalled before its next ReadyForQuery (proof: test/notify-barrier-proof.e2e.spec.ts).
 *   Callers arriving while one barrier is in flight share the next one, so the primary sees one
 *   round trip at a time, however many requests wait. It resolves false when the connection was
 *   lost (or not listening) at any point: then the memo must not be used.
 */
export class CallerChangeFeed {
  generation = 0;
  private client: Client | null = null;
  private listening = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** The listening backend's pid, as PostgreSQL itself reports it. */
  private backendPid: number | null = null;
  /** Set when DATABASE_URL reaches PostgreSQL through a pooler: LISTEN needs the session, so no memo at all. */
  pooled = false;
  private inFlight: Promise<boolean> | null = null;
  private next: Promise<boolean> | null = null;
  /** Notifications received; tests and the bench read it. */
  notifications = 0;
  /** Barriers sent; tests and the bench read it. */
  barriers = 0;

  constructor(
    private readonly config: ClientConfig,
    private readonly onChange: () => void,
  ) {}

  /** Whether the memo may be used at all (LISTEN established); a barrier is still needed per use. */
  get ready(): boolean {
    return this.listening;
  }

  /** The backend pid of the listening connection, or null (tests terminate it to prove the fallback). */
  processId(): number | null {
    return this.listening ? this.backendPid : null;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.lost();
    await client?.end().catch(() => undefined);
  }

  settled(): Promise<boolean> {
    if (!this.listening) return Promise.resolve(false);
    if (this.inFlight === null) return this.send();
    this.next ??= this.inFlight.then(() => {
      this.next = null;
      return this.send();
    });
    return this.next;
  }

  private send(): Promise<boolean> {
    const client = this.client;
    if (!this.listening || client === null) return Promise.resolve(false);
    // Notifications during the round trip are fine (they emptied the memo); a lost connection is not,
    // nor an answer from another backend than the listening one.
    this.barriers += 1;
    const sent = client.query<{ pid: number }>(PID).then(
      (result) => {
        if (result.rows[0]?.pid === this.backendPid && this.listening && this.client === client) return true;
        if (this.client === client) this.drop(client);
        return false;
      },
      () => {
        if (this.client === client) this.drop(client);
        return false;
      },
    );
    this.inFlight = sent;
    void sent.then(() => {
      if (this.inFlight === sent) this.inFlight = null;
    });
    return sent;
  }

  /** Any notification: what was remembered may be stale. */
  private changed(): void {
    this.generation += 1;
    this.onChange();
  }

  private lost(): void {
    this.listening = false;
    this.client = null;
    this.changed();
  }

  private drop(client: Client): void {
    this.lost();
    client.end().catch(() => undefined);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.client) return;
    const client = new Client({ ...this.config, query_timeout: BARRIER_TIMEOUT_MS, keepAlive: true });
    this.client = client;
    client.on('notification', () => {
      if (this.client === client) {
        this.notifications += 1;
        this.changed();
      }
    });
    client.on('error', () => {
      if (this.client === client) this.drop(client);
    });
    client.on('end', () => {
      if (this.client === client) this.drop(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CALLER_CHANGES_CHANNEL}`);
      const pid = (await client.query<{ pid: number }>(PID)).rows[0].pid;
      if (this.client !== client || this.stopped) return;
      // A pooler (PgBouncer) answers the startup with its own key, not the backend's pid: notifications
      // and barriers would not be tied to one session, so the memo stays off for good.
      if (pid !== (client as unknown as { processID?: number }).processID) {
        this.pooled = true;
        this.stopped = true;
        this.lost();
        await client.end().catch(() => undefined);
        return;
      }
      this.backendPid = pid;
      // Nothing read before this point may be kept: changes in between were not heard.
      this.listening = true;
      this.changed();
    } catch {
      if (this.client === client) this.drop(client);
    }
  }
}
