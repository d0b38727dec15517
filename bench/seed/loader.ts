import { Client } from 'pg';
import { BulkInsert, ColumnType } from './bulk-insert';

export interface TableTiming {
  table: string;
  rows: number;
  ms: number;
}

/**
 * Streams generated rows into tables in batches, spread over a few connections. Node generates
 * the next batch while PostgreSQL inserts the previous ones, so both sides work at once.
 */
export class Loader {
  readonly timings: TableTiming[] = [];

  constructor(
    private readonly clients: Client[],
    private readonly batchSize: number,
    private readonly log: (line: string) => void,
  ) {}

  async load<Row extends object>(
    table: string,
    columns: { [K in keyof Row]: ColumnType },
    rows: Iterable<Row>,
  ): Promise<void> {
    const started = performance.now();
    const inserts = this.clients.map((client) => new BulkInsert<Row>(client, table, columns));
    const pending = inserts.map(() => Promise.resolve());
    let batch: Row[] = [];
    let batches = 0;
    let count = 0;
    const flush = async (): Promise<void> => {
      const slot = batches++ % inserts.length;
      await pending[slot];
      pending[slot] = inserts[slot].insert(batch);
      // Handled here so a failure is not reported as unhandled before it is awaited below.
      pending[slot].catch(() => undefined);
      batch = [];
    };
    for (const row of rows) {
      batch.push(row);
      count++;
      if (batch.length >= this.batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    await Promise.all(pending);
    this.record(table, count, started);
  }

  /** Runs statements (index builds, VACUUM) on all connections at once, taking them in order. */
  async parallel(label: string, statements: readonly string[]): Promise<void> {
    let next = 0;
    const worker = async (client: Client): Promise<void> => {
      while (next < statements.length) await client.query(statements[next++]);
    };
    await this.step(label, () => Promise.all(this.clients.map(worker)));
  }

  /** Runs `work` on the loader's connections, timed and logged as `label`. */
  async step(label: string, work: (clients: readonly Client[]) => Promise<unknown>): Promise<void> {
    const started = performance.now();
    await work(this.clients);
    this.record(label, 0, started);
  }

  private record(table: string, rows: number, started: number): void {
    const timing = { table, rows, ms: Math.round(performance.now() - started) };
    this.timings.push(timing);
    const count = rows > 0 ? `${rows.toLocaleString('en-US')} rows`.padStart(16) : ''.padStart(16);
    this.log(`${table.padEnd(16)} ${count} ${(timing.ms / 1000).toFixed(2).padStart(7)} s`);
  }
}
