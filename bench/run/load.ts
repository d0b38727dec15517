import autocannon from 'autocannon';
import { sampleMemory } from './memory';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Requests answered with a status other than 2xx, plus connection errors and timeouts. */
  failures: number;
  /** Requests answered 2xx during the measured run. */
  completed: number;
  /** Peak resident memory of the server process during the measured run, MB. */
  peakRssMb: number;
}

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  /** The server's pid, whose memory is sampled. */
  pid: number;
}

const WARMUP_SECONDS = 2;

function fire(target: LoadTarget, connections: number, duration: number): Promise<autocannon.Result> {
  return autocannon({ url: target.url, headers: target.headers, connections, duration });
}

/**
 * A short warm-up (JIT, caches, pool connections), then `duration` seconds at `connections`
 * concurrent connections, sampling the server's memory every 200 ms.
 */
export async function drive(target: LoadTarget, connections: number, duration: number): Promise<LoadResult> {
  await fire(target, connections, Math.min(WARMUP_SECONDS, duration));
  const stopSampling = sampleMemory(target.pid);
  const result = await fire(target, connections, duration);
  const peakRssMb = stopSampling();
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    completed: result['2xx'],
    peakRssMb,
  };
}
