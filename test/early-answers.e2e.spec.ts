import { Actor, bearer, createApiKey, createGroup, createUser, signUp } from './support/actors';
import { createBaseModel, createCustomModel, groupGrant, publicGrant } from './support/model-fixtures';
import { headerOf, RawAnswer, rawAnswer } from './support/raw-answer';
import { REVALIDATED_API_PATHS, REVALIDATED_GATEWAY_PATHS } from './support/revalidated-paths';
import { ALLOWED_ORIGIN, LoggedApp, startLogged } from './support/logged-app';
import { createTestDatabase } from './support/test-database';

/**
 * The lane ahead of Express (src/early-answers.setup.ts) against the lane inside Express
 * (REVALIDATION_LANE_EARLY=false), on one database with CORS on: every answer the same bytes
 * (status line, every header in order but Date, body), the same log line, the same refusals.
 */

describe('answers ahead of Express', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let early: LoggedApp;
  let inExpress: LoggedApp;
  let admin: Actor;
  let alice: Actor;
  let pending: Actor;
  const keys: Record<string, string> = {};
  let sent = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    early = await startLogged(database.url, {});
    inExpress = await startLogged(database.url, { revalidationLaneEarly: false });
    const t = early.t;
    admin = await signUp(t, 'Admin');
    alice = await createUser(t, admin, { name: 'Alice' });
    pending = await signUp(t, 'Pending');
    const team = await createGroup(t, admin, 'team', [alice.id]);
    await createBaseModel(t, admin, { id: 'gpt-4o' });
    for (const id of ['team/helper', 'team/other', 'team/third']) {
      await createCustomModel(t, admin, { id, base_model_id: 'gpt-4o', access_grants: [groupGrant(team)] });
    }
    await createCustomModel(t, admin, { id: 'admin/public', base_model_id: 'gpt-4o', access_grants: [publicGrant()] });
    keys.full = (await createApiKey(t, alice)).key;
    keys.allowList = (await createApiKey(t, alice, { models: ['team/helper'] })).key;
    keys.admin = (await createApiKey(t, admin)).key;
  });
  afterAll(async () => {
    await inExpress?.t.close();
    await early?.t.close();
    await database?.drop();
  });

  /** The same request to both apps (with one request id), both answers and both log lines. */
  async function both(method: 'GET' | 'HEAD', path: string, headers: Record<string, string>) {
    const id = `early-${(sent += 1)}`;
    const sentHeaders = { 'x-request-id': id, ...headers };
    const a = await rawAnswer(early.t, method, path, sentHeaders);
    const b = await rawAnswer(inExpress.t, method, path, sentHeaders);
    // The line is written when the answer has gone: wait for both.
    for (let i = 0; i < 50 && !(early.lines.has(id) && inExpress.lines.has(id)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { early: a, inExpress: b, earlyLine: early.lines.get(id), expressLine: inExpress.lines.get(id) };
  }

  async function expectSame(method: 'GET' | 'HEAD', path: string, headers: Record<string, string>): Promise<RawAnswer> {
    const got = await both(method, path, headers);
    const label = `${method} ${path} ${JSON.stringify(headers).slice(0, 120)}`;
    expect([label, got.early]).toEqual([label, got.inExpress]);
    expect([label, got.earlyLine]).toEqual([label, got.expressLine]);
    expect(got.earlyLine).toBeDefined();
    return got.early;
  }

  const families: Record<string, () => Record<string, string>> = {
    'sign-in token': () => bearer(alice.token),
    'session cookie from the allowed origin': () => ({ Cookie: `token=${alice.token}`, Origin: ALLOWED_ORIGIN }),
    'session cookie from another site (a GET is allowed)': () => ({
      Cookie: `token=${alice.token}`,
      Origin: 'https://elsewhere.example',
    }),
    'API key (x-api-key)': () => ({ 'x-api-key': keys.full }),
    'narrowed key': () => ({ Authorization: `Bearer ${keys.allowList}` }),
    OpenAI: () => ({ Authorization: `Bearer ${keys.full}`, 'Accept-Encoding': 'gzip, deflate, br' }),
    Anthropic: () => ({ 'x-api-key': keys.full, 'anthropic-version': '2023-06-01', 'Accept-Encoding': 'gzip' }),
    Gemini: () => ({ 'x-goog-api-key': keys.full }),
  };
  const API_ROUTES = [...REVALIDATED_API_PATHS, '/api/models/list?capability=tools&capability=vision&order_by=name'];
  const cases: Array<[string, string]> = [
    ...API_ROUTES.flatMap((path) =>
      [
        'sign-in token',
        'session cookie from the allowed origin',
        'session cookie from another site (a GET is allowed)',
        'API key (x-api-key)',
      ].map((family): [string, string] => [path, family]),
    ),
    ...REVALIDATED_GATEWAY_PATHS.flatMap((path) =>
      ['OpenAI', 'Anthropic', 'Gemini', 'narrowed key'].map((family): [string, string] => [path, family]),
    ),
    ['/v1beta/models?key=KEY', 'Gemini ?key='],
    ['/api/v1/models/all', 'admin sign-in token'],
  ];

  it.each(cases)('%s (%s): hits and 304s, GET and HEAD, byte for byte and answered early', async (path, family) => {
    const headers =
      family === 'admin sign-in token' ? bearer(admin.token) : family === 'Gemini ?key=' ? {} : families[family]();
    const url = path.replace('KEY', keys.full);
    const first = await expectSame('GET', url, headers);
    expect(first.status).toBe(200);
    const [early0, express0] = [early.lane.answeredEarly, inExpress.lane.answered];
    const tag = headerOf(first, 'etag')!;
    await expectSame('GET', url, headers);
    await expectSame('HEAD', url, headers);
    expect((await expectSame('GET', url, { ...headers, 'If-None-Match': tag })).status).toBe(304);
    expect((await expectSame('HEAD', url, { ...headers, 'If-None-Match': `"other", W/${tag}` })).status).toBe(304);
    expect([early.lane.answeredEarly - early0, inExpress.lane.answered - express0]).toEqual([4, 4]);
    expect(inExpress.lane.answeredEarly).toBe(0);
    // A validator that does not hold on a kept answer: Express decides (its freshness test), in both.
    const stale = await expectSame('GET', url, { ...headers, 'If-None-Match': '"stale"' });
    expect(stale.status).toBe(200);
  });

  /** Requests that must reach Nest in both apps: refusals, misses, and URLs Express reads its own way. */
  const passed: Array<[string, string, () => Record<string, string>]> = [
    ['no credential', '/api/models/list', () => ({})],
    ['no credential on the gateway', '/v1/models', () => ({})],
    ['a wrong key', '/v1/models', () => ({ 'x-api-key': 'sk-wrong' })],
    ['an invalid sign-in token', '/api/models/list', () => bearer('not.a.token')],
    ['a pending user', '/api/models/list', () => bearer(pending.token)],
    ['a user on an admin route', '/api/v1/models/all', () => bearer(alice.token)],
    ['an admin key on a sign-in-token-only route', '/api/v1/models/all', () => ({ 'x-api-key': keys.admin })],
    ['a gateway-only ?key= on /api', '/api/models/list?key=KEY', () => ({})],
    ['an undecodable model id', '/v1/models/%E0%A4%A', () => ({ 'x-api-key': keys.full })],
    ['a NUL in the query', '/api/models/list?search=%00', () => bearer(alice.token)],
    ['an inference path', '/v1/chat/completions', () => ({ 'x-api-key': keys.full })],
    ['a GET with a JSON body', '/api/models/list', () => ({ ...bearer(alice.token), 'Content-Length': '0' })],
    ['a trailing slash', '/v1/models/', () => ({ 'x-api-key': keys.full })],
    ['a bad page', '/api/models/list?page=0', () => bearer(alice.token)],
    ['an unknown parameter', '/v1/models?color=red', () => ({ 'x-api-key': keys.full })],
    ['a missing model', '/v1/models/nobody/here', () => ({ 'x-api-key': keys.full })],
    ['a path the lane does not take', '/api/users/me', () => bearer(alice.token)],
  ];

  it.each(passed)(
    'leaves %s to Express and Nest, which answer as they do without it',
    async (_label, path, headers) => {
      const url = path.replace('KEY', keys.full);
      for (const noneMatch of [undefined, '*']) {
        const sentHeaders = { ...headers(), ...(noneMatch ? { 'If-None-Match': noneMatch } : {}) };
        const before = early.lane.answeredEarly;
        // Twice: a miss the first time, then whatever is kept.
        await expectSame('GET', url, sentHeaders);
        const again = await expectSame('GET', url, sentHeaders);
        // `If-None-Match: *` holds for any answer that exists: once kept, the lane (either one) answers it 304.
        // Answers that are kept (Express routes /v1/models/ as /v1/models; page=0 reads as page 1, an
        // unknown gateway parameter is ignored): the second one is a hit.
        const routed = ['a trailing slash', 'a bad page', 'an unknown parameter'].includes(_label);
        if (
          !routed &&
          (noneMatch === undefined || ['no credential', 'an inference path'].some((l) => _label.startsWith(l)))
        ) {
          expect(early.lane.answeredEarly).toBe(before);
        }
        expect(again.status).toBeGreaterThanOrEqual(200);
      }
    },
  );
});
