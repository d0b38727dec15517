import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Caller } from '../src/access/caller';
import { createIncumbentTables, incumbentTablesCurrent } from './seed/incumbent-tables';
import { CapturedRequest, captureRequests } from './run/capture';
import { loadCallers } from './run/callers';
import { compareList, ourListSql, SqlComparison } from './run/compare';
import { sampleOtherCpu } from './run/cpu';
import { explainDir, explainScenario } from './run/explain';
import { describeData, readFixtures } from './run/fixtures';
import { startFloor } from './run/floor';
import { SQL_SESSION_OPTIONS } from './run/sql-timing';
import { measureLatency } from './run/latency';
import { drive } from './run/load';
import { describeLoad, describeMachine } from './run/machine';
import { readMemory } from './run/memory';
import { parseOptions, RunOptions, USAGE } from './run/options';
import { renderReport, RunReport, ScenarioResult } from './run/report';
import { Credentials, Fixtures, makeScenarios, requestHeaders, Scenario, selectScenarios } from './run/scenarios';
import { anthropicAfterId, buildService, poolSize, signInAll, startFlags, startService } from './run/service';
import { targetsFor } from './run/targets';
import { displayUrl, openTarget } from './seed/database';

const RESULTS = join(__dirname, 'results');
const log = (line: string): void => console.log(line);
const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

interface Prepared {
  profile: string;
  scenarios: Scenario[];
  requests: Map<string, CapturedRequest>;
  credentials: Credentials;
}

/** Starts the service once with pg-capture.ts and records what each scenario's request sends. */
async function capture(url: string, fixtures: Fixtures, options: RunOptions): Promise<Prepared> {
  const file = join(tmpdir(), `registry-bench-capture-${process.pid}.jsonl`);
  rmSync(file, { force: true });
  const service = await startService(url, options.nodeArgs, file);
  try {
    const credentials = await signInAll(service.baseUrl, fixtures);
    const afterId = await anthropicAfterId(service.baseUrl, credentials);
    const scenarios = selectScenarios(makeScenarios(fixtures, afterId), options.only);
    const captured = await captureRequests(service.baseUrl, file, scenarios, credentials);
    for (const request of captured) {
      const count = request.steps.flat().length;
      const total = request.total === null ? '' : `, total ${request.total}`;
      log(
        `  ${request.scenario}: ${count} statements in ${request.steps.length} steps, ${request.bytes} bytes${total}`,
      );
    }
    const requests = new Map(captured.map((request) => [request.scenario, request]));
    return { profile: fixtures.profile ?? 'bench', scenarios, credentials, requests };
  } finally {
    await service.stop();
    rmSync(file, { force: true });
  }
}

/** EXPLAIN of every scenario, then the SQL comparison of list scenarios against the incumbent. */
async function analyse(url: string, fixtures: Fixtures, prepared: Prepared, options: RunOptions) {
  const client = new Client({ connectionString: url, options: SQL_SESSION_OPTIONS });
  await client.connect();
  try {
    const callers = await loadCallers(client, fixtures);
    const callerOf = (scenario: Scenario): Caller => callers[scenario.auth === 'admin' ? 'admin' : 'user'];
    const warnings: string[] = [];
    const dir = explainDir(prepared.profile);
    for (const scenario of prepared.scenarios) {
      const known = scenario.list ? await ourListSql(client, callerOf(scenario), scenario) : {};
      const explained = await explainScenario(dir, client, scenario, prepared.requests.get(scenario.name)!, known);
      warnings.push(...explained.warnings);
    }
    warnings.forEach((warning) => log(`  WARNING: Seq Scan on models in ${warning}`));
    if (!(await incumbentTablesCurrent(client))) {
      log('copying the tables to schema incumbent (the seed does it; this database predates that)');
      await createIncumbentTables([client]);
    }
    const compareOptions = {
      databaseUrl: url,
      runs: options.sqlRuns,
      budgetSeconds: options.sqlBudget,
      timeoutMs: options.sqlTimeout * 1000,
      connections: options.connections,
      seconds: options.sqlDuration,
    };
    const sql = new Map<string, SqlComparison>();
    for (const scenario of prepared.scenarios.filter((s) => s.list)) {
      const result = await compareList(client, callerOf(scenario), scenario, compareOptions);
      log(
        `  ${scenario.name}: incumbent ${result.incumbent.median.toFixed(1)} ms, ours ${result.ours.median.toFixed(1)} ms` +
          ` (totals ${result.totals.incumbent} / ${result.totals.ours})`,
      );
      sql.set(scenario.name, result);
    }
    return { warnings, sql };
  } finally {
    await client.end();
  }
}

/** Each scenario: one connection, then 16 against the service, then 16 against the floor. */
async function loadRuns(url: string, prepared: Prepared, options: RunOptions) {
  const service = await startService(url, options.nodeArgs);
  const floor = await startFloor(url, [...prepared.requests.values()]);
  try {
    const results: Array<Omit<ScenarioResult, 'sql'>> = [];
    const loads: number[] = [];
    for (const scenario of prepared.scenarios) {
      const headers = requestHeaders(scenario, prepared.credentials);
      const target = { url: service.baseUrl + scenario.path, headers, pid: service.pid };
      const stopCpu = sampleOtherCpu([service.pid, floor.pid], databaseName(url));
      const latency = await measureLatency(target, options.latencyDuration);
      const serviceResult = await drive(target, options.connections, options.duration);
      const floorTarget = { url: `${floor.baseUrl}/${scenario.name}`, headers: {}, pid: floor.pid };
      const floorResult = await drive(floorTarget, options.connections, options.duration);
      const { bytes, total } = prepared.requests.get(scenario.name)!;
      const otherCpu = stopCpu();
      results.push({ scenario, latency, service: serviceResult, floor: floorResult, bytes, total, otherCpu });
      loads.push(loadavg()[0]);
      log(
        `  ${scenario.name}: 1 conn. p50 ${latency.p50.toFixed(1)} p99 ${latency.p99.toFixed(1)} ms;` +
          ` service ${serviceResult.rps.toFixed(0)} rps p99 ${serviceResult.p99} ms ${serviceResult.peakRssMb.toFixed(0)} MB;` +
          ` floor ${floorResult.rps.toFixed(0)} rps p99 ${floorResult.p99} ms; other processes ${(otherCpu * 100).toFixed(0)} % CPU`,
      );
    }
    return { results, serviceHwmMb: readMemory(service.pid)?.hwm ?? NaN, loads };
  } finally {
    await Promise.all([service.stop(), floor.stop()]);
  }
}

function settings(options: RunOptions): string {
  const sqlConcurrent =
    options.sqlDuration > 0 ? `, ${options.sqlDuration} s at ${options.connections} connections` : '';
  return (
    `service node flags: ${[...startFlags(), ...options.nodeArgs].join(' ') || 'none'}; ` +
    `1 connection for ${options.latencyDuration} s, then autocannon ${options.connections} connections for ` +
    `${options.duration} s per scenario and side after a 2 s warm-up; pool ${poolSize()} connections; ` +
    `SQL comparison up to ${options.sqlRuns} sequential runs (stopping after ${options.sqlBudget} s; ` +
    `statements cut at ${options.sqlTimeout} s)${sqlConcurrent}`
  );
}

function writeReport(report: RunReport): void {
  const markdown = renderReport(report);
  log('\n' + markdown);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `latest-${report.profile}.md`), markdown);
  writeFileSync(join(RESULTS, `latest-${report.profile}.json`), JSON.stringify(report, null, 2) + '\n');
}

async function run(options: RunOptions): Promise<void> {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
  log(`load average ${load}`);
  const target = await openTarget(options.databaseUrl, log, options.profile.database);
  try {
    const fixtures = await readFixtures(target.url);
    const profile = fixtures.profile ?? 'bench';
    if (profile !== options.profile.name)
      log(`the database was seeded with profile ${profile}: reporting as ${profile}`);
    if (options.build) buildService();
    log(`capturing the SQL of one request per scenario (${displayUrl(target.url)}, profile ${profile})`);
    const prepared = await capture(target.url, fixtures, options);
    log('EXPLAIN (ANALYZE, BUFFERS) of each scenario');
    const analysis = await analyse(target.url, fixtures, prepared, options);
    log(`load: 1 then ${options.connections} connections per scenario`);
    const loaded = await loadRuns(target.url, prepared, options);
    writeReport({
      profile,
      data: describeData(fixtures),
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: await describeMachine(target.url),
      load: describeLoad(load, loaded.loads),
      settings: settings(options),
      targets: targetsFor(profile),
      results: loaded.results.map((result) => ({ ...result, sql: analysis.sql.get(result.scenario.name) ?? null })),
      serviceHwmMb: loaded.serviceHwmMb,
      warnings: analysis.warnings,
    });
  } finally {
    await target.stop();
  }
}

const options = parseOptions(process.argv.slice(2));
if (options) {
  run(options).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
} else {
  log(USAGE);
}
