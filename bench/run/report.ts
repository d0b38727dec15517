import type { SqlComparison } from './compare';
import type { LoadResult } from './load';
import type { Scenario } from './scenarios';

export const TARGETS = { p99Ms: 50, floorShare: 0.5, memoryMb: 300 };

export interface ScenarioResult {
  scenario: Scenario;
  service: LoadResult;
  floor: LoadResult;
  sql: SqlComparison | null;
  /** Bytes of one service response, as captured. */
  bytes: number;
  /** Share of the machine's CPU used by processes outside the run during the scenario. */
  otherCpu: number;
}

export interface RunReport {
  date: string;
  machine: string;
  load: string;
  settings: string;
  results: ScenarioResult[];
  serviceHwmMb: number;
  warnings: string[];
}

/** Which targets a scenario misses (empty: all met). */
export function missedTargets(result: ScenarioResult): string[] {
  const missed: string[] = [];
  const { service, floor, sql, scenario } = result;
  if (scenario.latencyTarget && !(service.p99 < TARGETS.p99Ms)) missed.push(`p99 ≥ ${TARGETS.p99Ms} ms`);
  if (scenario.latencyTarget && !(service.rps >= TARGETS.floorShare * floor.rps)) missed.push('< 50 % of floor');
  if (sql && !(sql.ours.median < sql.incumbent.median)) missed.push('slower than incumbent');
  if (!(service.peakRssMb < TARGETS.memoryMb)) missed.push(`memory ≥ ${TARGETS.memoryMb} MB`);
  const failed = [service, floor].some((side) => side.failures > 0 || side.completed === 0);
  if (failed) missed.push('failed or no requests');
  return missed;
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

function loadRow(result: ScenarioResult): string {
  const { service, floor, sql, scenario } = result;
  const missed = missedTargets(result);
  const cells = [
    `${scenario.name} (${scenario.title})`,
    fixed(service.rps),
    fixed(service.p50),
    fixed(service.p99),
    fixed(floor.rps),
    fixed(floor.p99),
    fixed(service.rps / floor.rps, 2),
    sql ? `${fixed(sql.incumbent.median, 1)} vs ${fixed(sql.ours.median, 1)}` : '—',
    fixed(service.peakRssMb),
    fixed(result.otherCpu * 100),
    missed.length === 0 ? 'yes' : `no: ${missed.join(', ')}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

function loadTable(results: ScenarioResult[]): string[] {
  return [
    '| scenario | service rps | p50 ms | p99 ms | floor rps | floor p99 ms | ratio | incumbent ms vs ours ms | peak RSS MB | other CPU % | target met |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...results.map(loadRow),
  ];
}

function sqlRow(result: ScenarioResult): string | null {
  const { sql, scenario } = result;
  if (!sql) return null;
  const c = (timing: SqlComparison['oursConcurrent']) =>
    timing ? `${fixed(timing.runsPerSecond)} / ${fixed(timing.p99, 1)}` : '—';
  const cells = [
    scenario.name,
    `${fixed(sql.incumbent.median, 1)} / ${fixed(sql.incumbent.p99, 1)}`,
    `${fixed(sql.ours.median, 1)} / ${fixed(sql.ours.p99, 1)}`,
    fixed(sql.incumbent.median / sql.ours.median, 1) + '×',
    c(sql.incumbentConcurrent),
    c(sql.oursConcurrent),
    sql.totals.ours === sql.totals.incumbent ? String(sql.totals.ours) : `${sql.totals.ours} ≠ ${sql.totals.incumbent}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

function sqlTable(results: ScenarioResult[]): string[] {
  const rows = results.map(sqlRow).filter((row): row is string => row !== null);
  if (rows.length === 0) return [];
  return [
    '| scenario | incumbent median / p99 ms | ours median / p99 ms | speed-up | incumbent 16 conn. runs/s / p99 ms | ours 16 conn. runs/s / p99 ms | total |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

export function renderReport(report: RunReport): string {
  const met = report.results.filter((result) => missedTargets(result).length === 0).length;
  return [
    `# Benchmark: ${report.date}`,
    '',
    `- machine: ${report.machine}`,
    `- load average: ${report.load}`,
    `- ${report.settings}`,
    `- service peak memory over the whole run (VmHWM): ${fixed(report.serviceHwmMb)} MB`,
    `- targets met: ${met} of ${report.results.length} scenarios`,
    '- other CPU %: share of both cores used by processes outside this run while the scenario ran (noise)',
    '',
    '## Service under load, against the floor (same SQL through bare pg + node:http)',
    '',
    ...loadTable(report.results),
    '',
    '## List SQL: count + page, ours against the incumbent (Open WebUI as SQL), on PostgreSQL directly',
    '',
    ...sqlTable(report.results),
    '',
    '## Plan warnings',
    '',
    ...(report.warnings.length > 0 ? report.warnings.map((warning) => `- ${warning}`) : ['none']),
    '',
  ].join('\n');
}
