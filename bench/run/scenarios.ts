import type { ListParams } from '../../src/models/model-read.sql';

/** Who sends the request: the admin's or the typical user's sign-in token, or the seeded API key. */
export type Auth = 'admin' | 'user' | 'key';

export interface Scenario {
  /** File-safe name, used for bench/results/explain/<name>.txt and --only. */
  name: string;
  title: string;
  /** Path and query string. */
  path: string;
  auth: Auth;
  headers: Record<string, string>;
  /** Workspace-list scenarios: the list parameters the service reads from `path`. */
  list: ListParams | null;
  /** The list's exact `total` as the seed worked it out in memory (null: not a list, or unknown). */
  expectedTotal: number | null;
}

/** What the seed stored (bench.seed, bench/results/seed-<profile>.json), as far as the run needs it. */
export interface Fixtures {
  /** Absent in databases seeded before profiles: those are the bench profile. */
  profile?: string;
  admin: { id: string; email: string; password: string };
  typical_user: {
    id: string;
    email: string;
    password: string;
    readable_models: number;
    shared_models: number;
    matches?: Record<'query_common' | 'query_rare' | 'tag_common', number>;
  };
  api_key: { key: string; models: number };
  query: { common: { word: string }; rare: { word: string; matches_admin: number } };
  tag: { common: { name: string } };
  counts: Record<string, number>;
}

/** The exact totals the seed expects for each list scenario. */
function expectedTotals(fixtures: Fixtures): Record<string, number | undefined> {
  const user = fixtures.typical_user;
  return {
    'admin-page1': fixtures.counts.custom_models,
    'user-page1': user.readable_models,
    'user-query-common': user.matches?.query_common,
    'user-query-rare': user.matches?.query_rare,
    'admin-query-rare': fixtures.query.rare.matches_admin,
    'user-tag': user.matches?.tag_common,
    'user-shared': user.shared_models,
    'admin-page1000': fixtures.counts.custom_models,
    'user-name-asc': user.readable_models,
  };
}

/** Page 1 of the unfiltered list, newest first: what the list scenarios start from. */
export const FIRST_PAGE: ListParams = {
  query: null,
  viewOption: null,
  tag: null,
  orderBy: 'created_at',
  direction: 'desc',
  page: 1,
};

export const ANTHROPIC_HEADERS = { 'anthropic-version': '2023-06-01' };

function listScenario(name: string, title: string, auth: 'admin' | 'user', params: Partial<ListParams>): Scenario {
  const list = { ...FIRST_PAGE, ...params };
  const query = new URLSearchParams();
  if (list.query !== null) query.set('query', list.query);
  if (list.viewOption !== null) query.set('view_option', list.viewOption);
  if (list.tag !== null) query.set('tag', list.tag);
  if (list.orderBy !== FIRST_PAGE.orderBy) query.set('order_by', list.orderBy);
  if (list.direction !== FIRST_PAGE.direction) query.set('direction', list.direction);
  if (list.page !== 1) query.set('page', String(list.page));
  const search = query.toString();
  return {
    name,
    title,
    path: `/api/models/list${search ? `?${search}` : ''}`,
    auth,
    headers: {},
    list,
    expectedTotal: null,
  };
}

function gatewayScenario(name: string, title: string, auth: Auth, path: string, headers = {}): Scenario {
  return { name, title, path, auth, headers, list: null, expectedTotal: null };
}

/**
 * The scenarios of issue 6. `afterId` is the model 1,000 places down the typical user's
 * Anthropic list, so the later page starts deep in it.
 */
export function makeScenarios(fixtures: Fixtures, afterId: string): Scenario[] {
  const after = encodeURIComponent(afterId);
  const totals = expectedTotals(fixtures);
  const scenarios = [
    listScenario('admin-page1', 'list page 1, admin', 'admin', {}),
    listScenario('user-page1', 'list page 1, typical user', 'user', {}),
    listScenario('user-query-common', `query=${fixtures.query.common.word}`, 'user', {
      query: fixtures.query.common.word,
    }),
    listScenario('user-query-rare', `query=${fixtures.query.rare.word}`, 'user', { query: fixtures.query.rare.word }),
    listScenario('admin-query-rare', `query=${fixtures.query.rare.word}, admin`, 'admin', {
      query: fixtures.query.rare.word,
    }),
    listScenario('user-tag', `tag=${fixtures.tag.common.name}`, 'user', { tag: fixtures.tag.common.name }),
    listScenario('user-shared', 'view_option=shared', 'user', { viewOption: 'shared' }),
    listScenario('admin-page1000', 'page=1000, admin', 'admin', { page: 1000 }),
    listScenario('user-name-asc', 'order_by=name&direction=asc', 'user', { orderBy: 'name', direction: 'asc' }),
    gatewayScenario('key-openai', `/v1/models, API key (${fixtures.api_key.models})`, 'key', '/v1/models'),
    gatewayScenario('anthropic-page1', 'Anthropic limit=20, user', 'user', '/v1/models?limit=20', ANTHROPIC_HEADERS),
    gatewayScenario(
      'anthropic-after',
      'Anthropic after_id (1,000 in), user',
      'user',
      `/v1/models?limit=20&after_id=${after}`,
      ANTHROPIC_HEADERS,
    ),
  ];
  return scenarios.map((scenario) => ({ ...scenario, expectedTotal: totals[scenario.name] ?? null }));
}

/** The scenarios whose name contains one of `only` (all when empty). */
export function selectScenarios(scenarios: Scenario[], only: string[]): Scenario[] {
  return only.length === 0 ? scenarios : scenarios.filter((s) => only.some((word) => s.name.includes(word)));
}

/** Bearer tokens: the admin's and the typical user's JWT, and the API key. */
export type Credentials = Record<Auth, string>;

export function requestHeaders(scenario: Scenario, credentials: Credentials): Record<string, string> {
  return { authorization: `Bearer ${credentials[scenario.auth]}`, ...scenario.headers };
}
