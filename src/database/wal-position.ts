/**
 * PostgreSQL WAL positions (`pg_lsn`, written "16/B374D848") as bigints, so positions read from
 * different servers compare in code.
 */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`not a WAL position: "${text}"`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** One reading of the primary's WAL position, kept to tell how far behind a replica is in time. */
export interface WalSample {
  at: number;
  lsn: bigint;
}

/**
 * Seconds a replica is behind: the age of the newest primary position it has replayed. A replica
 * that has replayed the latest sample is 0 behind, even when the primary has been idle for hours
 * (which `now() - pg_last_xact_replay_timestamp()` would report as lag).
 */
export function lagSeconds(samples: readonly WalSample[], replayed: bigint, now: number): number {
  let caughtUpTo: WalSample | null = null;
  for (const sample of samples) if (sample.lsn <= replayed) caughtUpTo = sample;
  const latest = samples.at(-1);
  if (!latest || caughtUpTo === latest) return 0;
  // Behind every sample kept: at least as old as the oldest.
  const since = caughtUpTo?.at ?? samples[0].at;
  return Math.max(0, (now - since) / 1000);
}
