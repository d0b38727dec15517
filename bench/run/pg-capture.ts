/**
 * Preloaded into the service (node -r) for the capture pass only: appends every statement the
 * service sends through `pg` to $BENCH_CAPTURE_FILE, one JSON line each, with its start and end
 * time, so the floor can replay exactly those statements with the same parallelism.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

export interface CapturedStatement {
  text: string;
  values: unknown[];
  /** The prepared statement's name, when the service named it (ReadRouter.readTexts `prepared`). */
  name?: string;
  /** Milliseconds since the service started (performance.now()). */
  start: number;
  end: number;
}

type Query = (...args: unknown[]) => unknown;

function install(file: string): void {
  const prototype = Client.prototype as unknown as { query: Query };
  const original = prototype.query;
  prototype.query = function (this: Client, ...args: unknown[]): unknown {
    const start = performance.now();
    const result = original.apply(this, args);
    // A submitted Query (the service's streamed reads, src/database/text-rows.ts) carries its own text and values.
    const [text, values, name] = result instanceof EventEmitter ? submitted(result) : args;
    if (typeof text !== 'string') return result;
    const record = () => {
      const line: CapturedStatement = {
        text,
        values: Array.isArray(values) ? values : [],
        ...(typeof name === 'string' ? { name } : {}),
        start,
        end: performance.now(),
      };
      appendFileSync(file, JSON.stringify(line) + '\n');
    };
    if (result instanceof EventEmitter) {
      result.once('end', record).once('error', record);
      return result;
    }
    // TypeORM passes (text, values) and awaits the promise; other call shapes are not recorded.
    if (!(result instanceof Promise)) return result;
    return result.finally(record);
  };
}

function submitted(query: EventEmitter): unknown[] {
  const { text, values, name } = query as EventEmitter & { text?: unknown; values?: unknown; name?: unknown };
  return [text, values, name];
}

const file = process.env.BENCH_CAPTURE_FILE;
if (file) install(file);
