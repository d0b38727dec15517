import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (peak RSS over the process's life) of a process, in MB, from /proc. */
export function readMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Samples a process's resident memory every `intervalMs` until stopped; returns the peak seen. */
export function sampleMemory(pid: number, intervalMs = 200): () => number {
  let peak = readMemory(pid)?.rss ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, readMemory(pid)?.rss ?? 0);
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, readMemory(pid)?.rss ?? 0);
  };
}
