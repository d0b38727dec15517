/**
 * Preloaded into the service (node -r) for the capture pass only: appends every statement the
 * service sends through `pg` to $BENCH_CAPTURE_FILE, one JSON line each, with its start and end
 * time, so the floor can replay exactly those statements with the same parallelism.
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

export interface CapturedStatement {
  text: string;
  values: unknown[];
  /** Milliseconds since the service started (performance.now()). */
  start: number;
  end: number;
}

type Query = (...args: unknown[]) => unknown;

function install(file: string): void {
  const prototype = Client.prototype as unknown as { query: Query };
  const original = prototype.query;
  prototype.query = function (this: Client, ...args: unknown[]): unknown {
    const [text, values] = args;
    const start = performance.now();
    const result = original.apply(this, args);
    // TypeORM passes (text, values) and awaits the promise; other call shapes are not recorded.
    if (typeof text !== 'string' || !(result instanceof Promise)) return result;
    const record = () => {
      const line: CapturedStatement = {
        text,
        values: Array.isArray(values) ? values : [],
        start,
        end: performance.now(),
      };
      appendFileSync(file, JSON.stringify(line) + '\n');
    };
    return result.finally(record);
  };
}

const file = process.env.BENCH_CAPTURE_FILE;
if (file) install(file);
