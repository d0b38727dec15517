import { Agent, request } from 'node:http';
import { percentile } from './sql-timing';
import type { LoadTarget } from './load';

/** Latency of requests sent one at a time on one kept-alive connection (no queueing behind others). */
export interface LatencyResult {
  p50: number;
  p99: number;
  requests: number;
  /** Answers other than 2xx and connection errors. */
  failures: number;
}

function once(agent: Agent, target: LoadTarget): Promise<{ ms: number; ok: boolean }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(target.url, { agent, headers: target.headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ ms: performance.now() - started, ok: status >= 200 && status < 300 });
      });
      response.on('error', () => resolve({ ms: performance.now() - started, ok: false }));
    });
    req.on('error', () => resolve({ ms: performance.now() - started, ok: false }));
    req.end();
  });
}

/**
 * Sends the target's request one after another for `seconds` (after a one-second warm-up) and
 * returns the latency percentiles, to the 0.1 ms: what one user waits on an otherwise idle
 * service, beside the 16-connection figures where latency is set by throughput.
 */
export async function measureLatency(target: LoadTarget, seconds: number): Promise<LatencyResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const run = async (ms: number) => {
      const times: number[] = [];
      let failures = 0;
      const deadline = performance.now() + ms;
      while (performance.now() < deadline) {
        const result = await once(agent, target);
        times.push(result.ms);
        if (!result.ok) failures++;
      }
      return { times, failures };
    };
    await run(1000);
    const { times, failures } = await run(seconds * 1000);
    return { p50: percentile(times, 50), p99: percentile(times, 99), requests: times.length, failures };
  } finally {
    agent.destroy();
  }
}

/** One GET on `agent`'s kept-alive connection, read to its end: its wall time in ms (a status ≥ 300 rejects). */
export function timedGet(agent: Agent, target: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(target, { agent, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => {
        if ((response.statusCode ?? 0) >= 300) reject(new Error(`${target}: ${response.statusCode}`));
        else resolve(performance.now() - started);
      });
    });
    req.on('error', reject);
    req.end();
  });
}
