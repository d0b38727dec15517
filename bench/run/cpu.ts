import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime of a running process in clock ticks (the A/B tools' service CPU). */
export function processTicks(pid: number): number {
  const ticks = processBusy(pid);
  if (ticks === null) throw new Error(`process ${pid} is gone`);
  return ticks;
}

/** Nanoseconds a PostgreSQL backend has run on a CPU (/proc/<pid>/schedstat: PostgreSQL on this machine). */
export function backendCpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** A statement timed on one backend: each round's mean wall and backend CPU ms per execution. */
export interface TimedStatement {
  text: string;
  values: unknown[];
  wall: number[];
  cpu: number[];
}

/** Runs the statement `executions` times on `client` (backend `pid`) and records one round's means. */
export async function timeRound(
  client: { query(text: string, values: unknown[]): Promise<unknown> },
  pid: number,
  side: TimedStatement,
  executions: number,
): Promise<void> {
  const cpu = backendCpuNs(pid);
  const start = process.hrtime.bigint();
  for (let i = 0; i < executions; i += 1) await client.query(side.text, side.values);
  side.wall.push(Number(process.hrtime.bigint() - start) / executions / 1e6);
  side.cpu.push((backendCpuNs(pid) - cpu) / executions / 1e6);
}

/** The median (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Busy CPU time of the whole machine, in clock ticks (all but idle and iowait). */
function machineBusy(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return user + nice + system + irq + softirq + steal;
}

/** utime + stime of a process in clock ticks, or null when it is gone. */
export function processBusy(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** PostgreSQL backends serving `database` (their process title names it). */
function backendsOf(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Measures how much of the machine's CPU went to processes outside the run while it sampled:
 * the run is this process, `pids` (service, floor) and the PostgreSQL backends of `database`.
 * Returns the others' share of the whole machine (0.5 = one of two cores busy elsewhere).
 */
export function sampleOtherCpu(pids: number[], database: string, intervalMs = 500): () => number {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = () => {
    for (const pid of [process.pid, ...pids, ...backendsOf(database)]) {
      const busy = processBusy(pid);
      if (busy === null) continue;
      if (!first.has(pid)) first.set(pid, busy);
      last.set(pid, busy);
    }
  };
  const startMachine = machineBusy();
  const started = Date.now();
  sample();
  const timer = setInterval(sample, intervalMs);
  return () => {
    clearInterval(timer);
    sample();
    const ours = [...last].reduce((sum, [pid, busy]) => sum + busy - (first.get(pid) ?? busy), 0);
    const ticksPerSecond = 100;
    const capacity = ((Date.now() - started) / 1000) * ticksPerSecond * cpuCount();
    return Math.max(0, machineBusy() - startMachine - ours) / capacity;
  };
}

function cpuCount(): number {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line)).length;
}
