import { existsSync, readFileSync } from 'node:fs';
import type { SqlStatement } from '../../src/common/sql';
import type { CapturedStatement } from './pg-capture';
import { Credentials, Scenario, requestHeaders } from './scenarios';

/** The statements one request sends, in steps: the statements of a step run in parallel. */
export interface CapturedRequest {
  scenario: string;
  status: number;
  bytes: number;
  /** The list's `total` as the service answered it (null for the gateway scenarios). */
  total: number | null;
  steps: ReplayedStatement[][];
}

/** A statement as the service sent it: prepared under `name` when it named it, so replays prepare it too. */
export type ReplayedStatement = SqlStatement & { name?: string };

/** Statements that overlap in time ran in parallel (Promise.all); the rest one after another. */
export function toSteps(statements: CapturedStatement[]): ReplayedStatement[][] {
  const steps: ReplayedStatement[][] = [];
  let stepEnd = -Infinity;
  for (const s of [...statements].sort((a, b) => a.start - b.start)) {
    if (steps.length === 0 || s.start >= stepEnd) steps.push([]);
    steps[steps.length - 1].push({ text: s.text, values: s.values, ...(s.name ? { name: s.name } : {}) });
    stepEnd = Math.max(stepEnd, s.end);
  }
  return steps;
}

class CaptureLog {
  private offset = 0;
  constructor(readonly file: string) {}

  /** Statements appended since the last call. */
  next(): CapturedStatement[] {
    const content = existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
    const fresh = content.slice(this.offset);
    this.offset = content.length;
    return fresh
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as CapturedStatement);
  }
}

async function send(baseUrl: string, scenario: Scenario, credentials: Credentials) {
  const response = await fetch(baseUrl + scenario.path, { headers: requestHeaders(scenario, credentials) });
  const body = await response.arrayBuffer();
  let total: number | null = null;
  if (scenario.list && response.ok) {
    total = (JSON.parse(Buffer.from(body).toString('utf8')) as { total: number }).total;
  }
  return { status: response.status, bytes: body.byteLength, total };
}

/**
 * Records what one request of each scenario sends to PostgreSQL, on a service started with
 * pg-capture.ts writing to `file`. Each scenario is requested twice and the second is kept, so
 * one-off work (the API key's first last_used_at update) does not count as per-request work.
 */
export async function captureRequests(
  baseUrl: string,
  file: string,
  scenarios: Scenario[],
  credentials: Credentials,
): Promise<CapturedRequest[]> {
  const log = new CaptureLog(file);
  const requests: CapturedRequest[] = [];
  for (const scenario of scenarios) {
    await send(baseUrl, scenario, credentials);
    log.next();
    const { status, bytes, total } = await send(baseUrl, scenario, credentials);
    if (status !== 200) throw new Error(`${scenario.name}: ${scenario.path} answered ${status}`);
    requests.push({ scenario: scenario.name, status, bytes, total, steps: toSteps(log.next()) });
  }
  return requests;
}
