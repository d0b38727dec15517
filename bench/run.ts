import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Caller } from '../src/access/caller';
import { CapturedRequest, captureRequests } from './run/capture';
import { loadCallers } from './run/callers';
import { compareList, ourListSql, SqlComparison } from './run/compare';
import { sampleOtherCpu } from './run/cpu';
import { explainScenario } from './run/explain';
import { startFloor } from './run/floor';
import { SQL_SESSION_OPTIONS } from './run/sql-timing';
import { createIncumbentSchema } from './run/incumbent';
import { drive } from './run/load';
import { readMemory } from './run/memory';
import { parseOptions, RunOptions, USAGE } from './run/options';
import { renderReport, RunReport, ScenarioResult } from './run/report';
import { Credentials, Fixtures, makeScenarios, requestHeaders, Scenario, selectScenarios } from './run/scenarios';
import { anthropicAfterId, buildService, poolSize, signInAll, startService } from './run/service';
import { displayUrl, openTarget } from './seed/database';

const RESULTS = join(__dirname, 'results');
const SEED_FILE = join(RESULTS, 'seed.json');
const log = (line: string): void => console.log(line);
const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

function readFixtures(): Fixtures {
  try {
    return JSON.parse(readFileSync(SEED_FILE, 'utf8')) as Fixtures;
  } catch {
    throw new Error(`cannot read ${SEED_FILE}: run npm run bench:seed first`);
  }
}

interface Prepared {
  scenarios: Scenario[];
  requests: Map<string, CapturedRequest>;
  credentials: Credentials;
}

/** Starts the service once with pg-capture.ts and records what each scenario's request sends. */
async function capture(url: string, fixtures: Fixtures, options: RunOptions): Promise<Prepared> {
  const file = join(tmpdir(), `registry-bench-capture-${process.pid}.jsonl`);
  rmSync(file, { force: true });
  const service = await startService(url, file);
  try {
    const credentials = await signInAll(service.baseUrl, fixtures);
    const afterId = await anthropicAfterId(service.baseUrl, credentials);
    const scenarios = selectScenarios(makeScenarios(fixtures, afterId), options.only);
    const captured = await captureRequests(service.baseUrl, file, scenarios, credentials);
    for (const request of captured) {
      const count = request.steps.flat().length;
      log(`  ${request.scenario}: ${count} statements in ${request.steps.length} steps, ${request.bytes} bytes`);
    }
    return { scenarios, credentials, requests: new Map(captured.map((request) => [request.scenario, request])) };
  } finally {
    await service.stop();
    rmSync(file, { force: true });
  }
}

/** EXPLAIN of every scenario, then the incumbent schema and the SQL comparison of list scenarios. */
async function analyse(url: string, fixtures: Fixtures, prepared: Prepared, options: RunOptions) {
  const client = new Client({ connectionString: url, options: SQL_SESSION_OPTIONS });
  await client.connect();
  try {
    const callers = await loadCallers(client, fixtures);
    const callerOf = (scenario: Scenario): Caller => callers[scenario.auth === 'admin' ? 'admin' : 'user'];
    const warnings: string[] = [];
    for (const scenario of prepared.scenarios) {
      const known = scenario.list ? await ourListSql(client, callerOf(scenario), scenario) : {};
      const explained = await explainScenario(client, scenario, prepared.requests.get(scenario.name)!, known);
      warnings.push(...explained.warnings);
    }
    warnings.forEach((warning) => log(`  WARNING: Seq Scan on models in ${warning}`));
    log('creating schema incumbent (copies of the tables, keys and a grants-by-principal index only)');
    await createIncumbentSchema(client);
    const compareOptions = {
      databaseUrl: url,
      runs: options.sqlRuns,
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

/** Each scenario against the service, then against the floor, while both run. */
async function loadRuns(url: string, prepared: Prepared, options: RunOptions) {
  const service = await startService(url);
  const floor = await startFloor(url, [...prepared.requests.values()]);
  try {
    const results: Array<Omit<ScenarioResult, 'sql'>> = [];
    const loads: number[] = [];
    for (const scenario of prepared.scenarios) {
      const headers = requestHeaders(scenario, prepared.credentials);
      const target = { url: service.baseUrl + scenario.path, headers, pid: service.pid };
      const stopCpu = sampleOtherCpu([service.pid, floor.pid], databaseName(url));
      const serviceResult = await drive(target, options.connections, options.duration);
      const floorTarget = { url: `${floor.baseUrl}/${scenario.name}`, headers: {}, pid: floor.pid };
      const floorResult = await drive(floorTarget, options.connections, options.duration);
      const bytes = prepared.requests.get(scenario.name)!.bytes;
      const otherCpu = stopCpu();
      results.push({ scenario, service: serviceResult, floor: floorResult, bytes, otherCpu });
      loads.push(loadavg()[0]);
      log(
        `  ${scenario.name}: service ${serviceResult.rps.toFixed(0)} rps p50 ${serviceResult.p50} p99 ${serviceResult.p99} ms` +
          ` ${serviceResult.peakRssMb.toFixed(0)} MB; floor ${floorResult.rps.toFixed(0)} rps p99 ${floorResult.p99} ms;` +
          ` other processes ${(otherCpu * 100).toFixed(0)} % CPU`,
      );
    }
    return { results, serviceHwmMb: readMemory(service.pid)?.hwm ?? NaN, loads };
  } finally {
    await Promise.all([service.stop(), floor.stop()]);
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  } finally {
    await client.end();
  }
}

/** The commit the run measured, marked when the work tree differs from it. */
function codeVersion(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: __dirname, encoding: 'utf8' }).stdout.trim();
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--untracked-files=no', '--', '../src').length > 0
    ? `${commit} + changes in src/`
    : commit;
}

async function machine(url: string): Promise<string> {
  const cpu = cpus();
  const memory = (totalmem() / 2 ** 30).toFixed(1);
  const postgres = await serverVersion(url);
  return `${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${memory} GiB RAM, Node ${process.version}, PostgreSQL ${postgres}; code ${codeVersion()}`;
}

/** The load averages before the run, and the 1-minute one after each scenario of the load phase. */
function describeLoad(before: string, during: number[]): string {
  const range = `${Math.min(...during).toFixed(1)}–${Math.max(...during).toFixed(1)}`;
  return `${before} (1, 5, 15 min) before the run; 1-min ${range} during the load phase, the run itself included`;
}

async function run(options: RunOptions): Promise<void> {
  const fixtures = readFixtures();
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
  log(`load average ${load}`);
  const target = await openTarget(options.databaseUrl, log);
  try {
    if (options.build) buildService();
    log(`capturing the SQL of one request per scenario (${displayUrl(target.url)})`);
    const prepared = await capture(target.url, fixtures, options);
    log('EXPLAIN (ANALYZE, BUFFERS) of each scenario');
    const analysis = await analyse(target.url, fixtures, prepared, options);
    log(`load: ${options.connections} connections, ${options.duration} s per scenario and side`);
    const loaded = await loadRuns(target.url, prepared, options);
    const report: RunReport = {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: await machine(target.url),
      load: describeLoad(load, loaded.loads),
      settings:
        `autocannon ${options.connections} connections, ${options.duration} s per scenario after a 2 s warm-up; ` +
        `pool ${poolSize()} connections; SQL comparison ${options.sqlRuns} sequential runs, ` +
        `${options.sqlDuration} s at ${options.connections} connections`,
      results: loaded.results.map((result) => ({ ...result, sql: analysis.sql.get(result.scenario.name) ?? null })),
      serviceHwmMb: loaded.serviceHwmMb,
      warnings: analysis.warnings,
    };
    const markdown = renderReport(report);
    log('\n' + markdown);
    writeFileSync(join(RESULTS, 'latest.md'), markdown);
    writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
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
