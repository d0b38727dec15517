import type { SqlComparison } from './compare';
import type { SqlTiming } from './sql-timing';
import type { LatencyResult } from './latency';
import type { LoadResult } from './load';
import type { Scenario } from './scenarios';
import { incumbentSpeedup, missedTargets, Targets } from './targets';

export interface ScenarioResult {
  scenario: Scenario;
  /** Requests one at a time on one connection. */
  latency: LatencyResult;
  service: LoadResult;
  floor: LoadResult;
  sql: SqlComparison | null;
  /** Bytes of one service response, as captured. */
  bytes: number;
  /** The list's `total` in that response (null: not a list). */
  total: number | null;
  /** Share of the machine's CPU used by processes outside the run during the scenario. */
  otherCpu: number;
}

export interface RunReport {
  profile: string;
  /** What the profile's data looks like (its seed counts). */
  data: string;
  date: string;
  machine: string;
  load: string;
  settings: string;
  targets: Targets;
  results: ScenarioResult[];
  serviceHwmMb: number;
  warnings: string[];
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
/** "> " before a time cut by the statement timeout (a lower bound). */
const bound = (timing: SqlTiming) => (timing.timedOut ? '> ' : '');

function totalCell(result: ScenarioResult): string {
  const { total, scenario } = result;
  if (total === null) return '—';
  if (scenario.expectedTotal === null || scenario.expectedTotal === total) return String(total);
  return `${total} ≠ ${scenario.expectedTotal} expected`;
}

function loadRow(result: ScenarioResult, targets: Targets): string {
  const { service, floor, sql, scenario, latency } = result;
  const missed = missedTargets(result, targets);
  const speedup = incumbentSpeedup(result);
  const cells = [
    `${scenario.name} (${scenario.title})`,
    `${fixed(latency.p50, 1)} / ${fixed(latency.p99, 1)}`,
    fixed(service.rps),
    fixed(service.p99),
    fixed(floor.rps),
    fixed(service.rps / floor.rps, 2),
    sql ? `${fixed(sql.ours.median, 1)} / ${bound(sql.incumbent)}${fixed(sql.incumbent.median, 1)}` : '—',
    speedup === null ? '—' : `${sql?.incumbent.timedOut ? '> ' : ''}${fixed(speedup, 1)}×`,
    totalCell(result),
    fixed(service.peakRssMb),
    fixed(result.otherCpu * 100),
    missed.length === 0 ? 'yes' : `no: ${missed.join(', ')}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

function loadTable(report: RunReport): string[] {
  return [
    '| scenario | 1 conn. p50 / p99 ms | 16 conn. rps | 16 conn. p99 ms | floor rps | × floor | count + page ms ours / incumbent | × incumbent | total | peak RSS MB | other CPU % | target met |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...report.results.map((result) => loadRow(result, report.targets)),
  ];
}

function sqlRow(result: ScenarioResult): string | null {
  const { sql, scenario } = result;
  if (!sql) return null;
  const c = (timing: SqlComparison['oursConcurrent']) =>
    timing ? `${fixed(timing.runsPerSecond)} / ${fixed(timing.p99, 1)}` : '—';
  const cells = [
    scenario.name,
    `${bound(sql.incumbent)}${fixed(sql.incumbent.median, 1)} / ${fixed(sql.incumbent.p99, 1)} (${sql.incumbent.runs})`,
    `${fixed(sql.ours.median, 1)} / ${fixed(sql.ours.p99, 1)} (${sql.ours.runs})`,
    `${bound(sql.incumbent)}${fixed(sql.incumbent.median / sql.ours.median, 1)}×`,
    c(sql.incumbentConcurrent),
    c(sql.oursConcurrent),
    sql.totals.ours === sql.totals.incumbent || sql.incumbent.timedOut
      ? String(sql.totals.ours)
      : `${sql.totals.ours} ≠ ${sql.totals.incumbent}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

function sqlTable(results: ScenarioResult[]): string[] {
  const rows = results.map(sqlRow).filter((row): row is string => row !== null);
  if (rows.length === 0) return [];
  return [
    '| scenario | incumbent median / p99 ms (runs) | ours median / p99 ms (runs) | speed-up | incumbent 16 conn. runs/s / p99 ms | ours 16 conn. runs/s / p99 ms | total |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

function describeTargets(targets: Targets): string {
  return (
    `targets (issue 12): ≥ ${targets.incumbentSpeedup}× the incumbent (count + page), ≥ ${targets.floorShare} of the floor's rps, ` +
    `1-connection p99 ≤ ${targets.latencyP99Ms} ms, peak RSS ≤ ${targets.memoryMb} MB, the seed's exact total, no failure`
  );
}

export function renderReport(report: RunReport): string {
  const met = report.results.filter((result) => missedTargets(result, report.targets).length === 0).length;
  return [
    `# Benchmark, profile ${report.profile}: ${report.date}`,
    '',
    `- data: ${report.data}`,
    `- machine: ${report.machine}`,
    `- load average: ${report.load}`,
    `- ${report.settings}`,
    `- service peak memory over the whole load phase (VmHWM): ${fixed(report.serviceHwmMb)} MB (target ${report.targets.memoryMb} MB)`,
    `- ${describeTargets(report.targets)}; met by ${met} of ${report.results.length} scenarios`,
    '- other CPU %: share of both cores used by processes outside this run while the scenario ran (noise)',
    '',
    '## Service against the floor (same SQL through bare pg + node:http) and the incumbent',
    '',
    ...loadTable(report),
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
