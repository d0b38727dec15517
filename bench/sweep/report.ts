import { STATEMENT_NOTES, STATEMENTS, StatementName, StatementTiming } from './measure';
import type { SweepPoint } from './principals';

export interface PointResult {
  point: SweepPoint;
  timings: Record<StatementName, StatementTiming>;
}

export interface SweepReport {
  profile: string;
  date: string;
  machine: string;
  load: string;
  word: string;
  publicModels: number;
  results: PointResult[];
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const thousands = (value: number) => value.toLocaleString('en-US');

function row(result: PointResult): string {
  const { point, timings } = result;
  const cells = STATEMENTS.map((name) => {
    const t = timings[name];
    return `${fixed(t.median)} / ${fixed(t.p95)} (${thousands(t.buffers)})`;
  });
  return `| ${point.via} | ${thousands(point.shared)} | ${thousands(timings.count.rows)} | ${cells.join(' | ')} |`;
}

/** How much slower each statement is at the largest share than with nothing shared, per path. */
function growth(results: PointResult[]): string[] {
  const lines: string[] = [];
  for (const via of ['user', 'group'] as const) {
    const points = results.filter((result) => result.point.via === via);
    const base = points.find((result) => result.point.shared === 0) ?? points[0];
    const top = points[points.length - 1];
    if (!base || !top || base === top) continue;
    const ratios = STATEMENTS.map(
      (name) => `${name} ${fixed(top.timings[name].median / base.timings[name].median)}×`,
    ).join(', ');
    lines.push(
      `- via ${via}, ${thousands(top.point.shared)} shared against ${thousands(base.point.shared)}: ${ratios}`,
    );
  }
  return lines;
}

export function renderSweep(report: SweepReport): string {
  return [
    `# Sweep of the private share, profile ${report.profile}: ${report.date}`,
    '',
    `- machine: ${report.machine}`,
    `- load average: ${report.load}`,
    `- the caller: a new regular user owning nothing, with N private custom models shared with it ` +
      `directly (via user) or through its one group (via group); it also reads the ${thousands(report.publicModels)} public ones`,
    `- each cell: median / p95 ms of sequential runs on one connection (jit off, as the service's statements ` +
      `run), and in brackets the shared buffers one run touches (EXPLAIN (ANALYZE, BUFFERS))`,
    "- statements, built by the service's own builders for that caller:",
    ...STATEMENTS.map(
      (name) => `  - ${name}: ${STATEMENT_NOTES[name].replace('the common search word', `query=${report.word}`)}`,
    ),
    '',
    `| via | shared | total | ${STATEMENTS.join(' | ')} |`,
    `|---|---:|---:|${STATEMENTS.map(() => '---:').join('|')}|`,
    ...report.results.map(row),
    '',
    'Growth, median at the largest share over the median with none:',
    '',
    ...growth(report.results),
    '',
  ].join('\n');
}
