import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILE_NAMES } from './profiles';
import type { RunReport, ScenarioResult } from './run/report';
import { incumbentSpeedup, missedTargets } from './run/targets';

/**
 * `npm run bench:summary`: one table of every scenario of every profile, from the last run's
 * bench/results/latest-<profile>.json, in the README's form (Performance section).
 */
const RESULTS = join(__dirname, 'results');
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

function cell(result: ScenarioResult | undefined, report: RunReport): string {
  if (!result) return '';
  const speedup = incumbentSpeedup(result);
  const parts = [
    `${fixed(result.latency.p50, 1)} / ${fixed(result.latency.p99, 1)}`,
    `${fixed(result.service.rps / result.floor.rps, 2)}`,
    speedup === null ? '—' : `${result.sql?.incumbent.timedOut ? '> ' : ''}${fixed(speedup, 1)}×`,
  ];
  const met = missedTargets(result, report.targets).length === 0 ? ' ✓' : '';
  return parts.join(' · ') + met;
}

function main(): void {
  const reports = PROFILE_NAMES.map((name) => join(RESULTS, `latest-${name}.json`))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as RunReport);
  if (reports.length === 0) throw new Error('no bench/results/latest-<profile>.json: run npm run bench first');
  const longest = [...reports].sort((a, b) => b.results.length - a.results.length);
  const names = [...new Set(longest.flatMap((report) => report.results.map((result) => result.scenario.name)))];
  const lines = [
    `| scenario | ${reports.map((report) => report.profile).join(' | ')} |`,
    `|---|${reports.map(() => '---:').join('|')}|`,
    ...names.map((name) => {
      const cells = reports.map((report) =>
        cell(
          report.results.find((result) => result.scenario.name === name),
          report,
        ),
      );
      return `| ${name} | ${cells.join(' | ')} |`;
    }),
    `| peak RSS (VmHWM) | ${reports.map((report) => `${fixed(report.serviceHwmMb)} MB`).join(' | ')} |`,
  ];
  console.log(
    'each cell: 1-connection p50 / p99 ms · rps ÷ floor rps (16 connections) · incumbent ÷ ours (count + page); ✓ all targets met\n',
  );
  console.log(lines.join('\n'));
  for (const report of reports)
    console.log(`\n- ${report.profile}: ${report.date}, load ${report.load}; ${report.data}`);
}

main();
