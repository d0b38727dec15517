/**
 * Preloaded into the service (node -r) by bench/tail.ts only: keeps, in memory, every HTTP request's
 * span (from the server's 'request' event to the response's 'finish') with the process CPU time it
 * took, every `pg` query's span and every GC pause V8 reports, all on the service's own clock
 * (performance.now()). On SIGUSR2 it writes what it holds to $BENCH_TAIL_FILE as one JSON object
 * and forgets it, so the bench reads one cell at a time without the service writing per request.
 */
import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Client } from 'pg';

/** [start, end, CPU ms of the whole process meanwhile, path] */
export type RequestSpan = [number, number, number, string];
/** [start, end] */
export type QuerySpan = [number, number];
/** [start, duration, V8's kind: 1 minor (scavenge), 2 major (mark-compact), 4 incremental, 8 weak callbacks] */
export type GcPause = [number, number, number];

export interface TailProbeDump {
  requests: RequestSpan[];
  queries: QuerySpan[];
  gc: GcPause[];
}

let dump: TailProbeDump = { requests: [], queries: [], gc: [] };

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function install(file: string): void {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      dump.gc.push([entry.startTime, entry.duration, kind]);
    }
  }).observe({ entryTypes: ['gc'] });

  type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  const server = Server.prototype as unknown as { emit: Emit };
  const emit = server.emit;
  server.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [request, response] = args as [IncomingMessage, ServerResponse];
      const start = performance.now();
      const cpu = cpuMs();
      response.once('finish', () => {
        dump.requests.push([start, performance.now(), cpuMs() - cpu, request.url ?? '']);
      });
    }
    return emit.call(this, event, ...args);
  };

  type Query = (...args: unknown[]) => unknown;
  const prototype = Client.prototype as unknown as { query: Query };
  const query = prototype.query;
  prototype.query = function (this: Client, ...args: unknown[]): unknown {
    const start = performance.now();
    const result = query.apply(this, args);
    const done = () => dump.queries.push([start, performance.now()]);
    // A submitted Query (the service's streamed reads, src/database/text-rows.ts) ends by its events.
    if (result instanceof EventEmitter) {
      result.once('end', done).once('error', done);
      return result;
    }
    if (!(result instanceof Promise)) return result;
    return result.finally(done);
  };

  process.on('SIGUSR2', () => {
    writeFileSync(file, JSON.stringify(dump));
    dump = { requests: [], queries: [], gc: [] };
  });
}

const file = process.env.BENCH_TAIL_FILE;
if (file) install(file);
