import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import type { SqlStatement } from '../../src/common/sql';
import type { CapturedRequest } from './capture';
import type { Scenario } from './scenarios';

/** Where a profile's plans go: bench/results/explain/<profile>/<scenario>.txt. */
export const explainDir = (profile: string): string => join(__dirname, '..', 'results', 'explain', profile);

/** Statements the list SQL builders produce for a scenario, to name the captured ones. */
export type KnownStatements = Record<string, SqlStatement>;

// What the other captured statements are, recognised by a fragment of their text.
const KINDS: Array<[RegExp, string]> = [
  [/FROM api_keys k JOIN users u/, 'caller by API key (AuthUserLoader.byApiKeyHash)'],
  [/FROM users u WHERE u\.id = \$1/, 'caller by token (AuthUserLoader.byUserId)'],
  [/SELECT us\.id FROM users us WHERE us\.search LIKE/, 'owners the search matches (searchOwnersSql)'],
  [/FROM access_grants\s+WHERE model_id = ANY/, 'grants of the writable rows (ModelReader.toResponses)'],
  [
    /FROM models m LEFT JOIN models b ON b\.id = m\.base_model_id\s+WHERE m\.is_active/,
    'listable models (listableSql)',
  ],
];

function sameStatement(a: SqlStatement, b: SqlStatement): boolean {
  return a.text === b.text && JSON.stringify(a.values) === JSON.stringify(b.values);
}

export function describeStatement(statement: SqlStatement, known: KnownStatements): string {
  const builder = Object.entries(known).find(([, s]) => sameStatement(s, statement));
  if (builder) return builder[0];
  return KINDS.find(([pattern]) => pattern.test(statement.text))?.[1] ?? 'other';
}

function showValues(values: unknown[]): string {
  const text = JSON.stringify(values);
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text;
}

/** A Seq Scan on models in a plan: every list and gateway scenario sorts or filters on an index. */
export function modelSeqScans(plan: string): string[] {
  return plan.split('\n').filter((line) => /Seq Scan on models\b/.test(line));
}

export interface ExplainResult {
  file: string;
  warnings: string[];
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every SELECT the service sent for one request of the scenario,
 * written to `dir`/<scenario>.txt, with a warning for each Seq Scan on models.
 */
export async function explainScenario(
  dir: string,
  client: Client,
  scenario: Scenario,
  request: CapturedRequest,
  known: KnownStatements,
): Promise<ExplainResult> {
  const sections = [`# ${scenario.name}: ${scenario.title}\n# GET ${scenario.path} (${scenario.auth})\n`];
  const warnings: string[] = [];
  for (const [stepIndex, step] of request.steps.entries()) {
    for (const [index, statement] of step.entries()) {
      const label = describeStatement(statement, known);
      const heading = `## step ${stepIndex + 1}${step.length > 1 ? `.${index + 1} (parallel)` : ''}: ${label}`;
      if (!/^\s*(SELECT|WITH)\b/i.test(statement.text)) {
        sections.push(`${heading}\n${statement.text.trim()}\n(not a SELECT: not explained)\n`);
        continue;
      }
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
        statement.values,
      );
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      warnings.push(...modelSeqScans(plan).map((line) => `${scenario.name}, ${label}: ${line.trim()}`));
      sections.push(`${heading}\n${statement.text.trim()}\n-- values: ${showValues(statement.values)}\n\n${plan}\n`);
    }
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${scenario.name}.txt`);
  writeFileSync(file, sections.join('\n'));
  return { file, warnings };
}
