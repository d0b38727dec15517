import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { sampleMemory } from '../run/memory';

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** Answers with another status than `status`, plus errors and timeouts. */
  unexpected: number;
  peakRssMb: number;
  /** CPU time the target process spent (user + system) per answered request, in ms. */
  cpuMsPerRequest: number;
}

/** User + system CPU time of a process so far, in ms (/proc, clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), counted from 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `warmUp` seconds (default 2), then `duration` seconds at `connections`; counts answers other than `status`. */
export async function measure(
  target: { url: string; headers: Record<string, string>; pid: number },
  status: number,
  connections: number,
  duration: number,
  warmUp = 2,
): Promise<Measured> {
  const fire = (seconds: number) =>
    autocannon({ url: target.url, headers: target.headers, connections, duration: seconds });
  if (warmUp > 0) await fire(warmUp);
  const stop = sampleMemory(target.pid);
  const cpuBefore = cpuMs(target.pid);
  const result = await fire(duration);
  const cpu = cpuMs(target.pid) - cpuBefore;
  const peakRssMb = stop();
  const codes = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  const total = Object.values(codes).reduce((sum, { count }) => sum + count, 0);
  const expected = codes[String(status)]?.count ?? 0;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    unexpected: total - expected + result.errors + result.timeouts,
    peakRssMb,
    cpuMsPerRequest: total > 0 ? cpu / total : NaN,
  };
}

/** One request, the body as sent (not decoded): its status, bytes and headers. */
export function fetchRaw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: Buffer; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, bytes: Buffer.concat(chunks), headers: response.headers }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes on the wire of the status line and headers of an answer. */
export function headerBytes(status: number, headers: Record<string, string | string[] | undefined>): number {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}\r\n`);
  return `HTTP/1.1 ${status} X\r\n`.length + lines.join('').length + 2;
}
