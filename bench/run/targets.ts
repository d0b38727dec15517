import type { ScenarioResult } from './report';

/** Issue 12's targets, every list scenario of every profile (PostgreSQL 15, 2 cores, one run). */
export interface Targets {
  /** Count + page, median, sequential: the incumbent's time over ours. */
  incumbentSpeedup: number;
  /** Service requests/s over the floor's, at 16 connections. */
  floorShare: number;
  /** p99 of requests sent one at a time on one connection. */
  latencyP99Ms: number;
  /** Peak RSS of the service, per scenario and over the whole run (VmHWM). */
  memoryMb: number;
}

export function targetsFor(profile: string): Targets {
  return { incumbentSpeedup: 10, floorShare: 0.8, latencyP99Ms: profile === 'million' ? 50 : 25, memoryMb: 150 };
}

export function incumbentSpeedup(result: ScenarioResult): number | null {
  return result.sql ? result.sql.incumbent.median / result.sql.ours.median : null;
}

/** Which targets a scenario misses (empty: all met). */
export function missedTargets(result: ScenarioResult, targets: Targets): string[] {
  const missed: string[] = [];
  const { service, floor, latency, scenario, sql } = result;
  const speedup = incumbentSpeedup(result);
  if (speedup !== null && !(speedup >= targets.incumbentSpeedup))
    missed.push(`< ${targets.incumbentSpeedup}× incumbent`);
  if (!(service.rps >= targets.floorShare * floor.rps)) missed.push(`< ${targets.floorShare} of floor`);
  if (!(latency.p99 <= targets.latencyP99Ms)) missed.push(`1-conn. p99 > ${targets.latencyP99Ms} ms`);
  if (!(service.peakRssMb <= targets.memoryMb)) missed.push(`RSS > ${targets.memoryMb} MB`);
  if (scenario.expectedTotal !== null && result.total !== scenario.expectedTotal)
    missed.push('total differs from the seed');
  const incumbentTotal = sql && !sql.incumbent.timedOut ? sql.totals.incumbent : null;
  if (sql && incumbentTotal !== null && sql.totals.ours !== incumbentTotal)
    missed.push('total differs from the incumbent');
  const failed = [service, floor].some((side) => side.failures > 0 || side.completed === 0) || latency.failures > 0;
  if (failed) missed.push('failed or no requests');
  return missed;
}
