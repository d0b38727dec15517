import { Actor, bearer, createApiKey, createGroup, createUser, signUp } from './support/actors';
import {
  createBaseModel,
  createCustomModel,
  groupGrant,
  publicGrant,
  TINY_PNG_BASE64,
  userGrant,
} from './support/model-fixtures';
import { RawAnswer, rawAnswer } from './support/raw-answer';
import { ALLOWED_ORIGIN, LoggedApp, startLogged } from './support/logged-app';
import { createTestDatabase } from './support/test-database';

/**
 * Misses of the list routes built ahead of Express (src/early-misses.ts) against Nest's route
 * (REVALIDATION_LANE_EARLY=false), both with the answer cache off so every request is built: the
 * same bytes (status line, every header in order but Date, body), the same log line; errors and
 * compressed answers left to Express and Nest.
 */

describe('list misses built ahead of Express', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let early: LoggedApp;
  let nest: LoggedApp;
  let admin: Actor;
  let alice: Actor;
  let key = '';
  let narrowKey = '';
  let sent = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    early = await startLogged(database.url, { answerCacheMb: 0 });
    nest = await startLogged(database.url, { revalidationLaneEarly: false, answerCacheMb: 0 });
    const t = early.t;
    admin = await signUp(t, 'Admin');
    alice = await createUser(t, admin, { name: 'Alice "Ünï" <x>' });
    const bob = await createUser(t, admin, { name: 'Bob' });
    const team = await createGroup(t, admin, 'team', [alice.id]);
    await createBaseModel(t, admin, { id: 'gpt-4o', params: { temperature: 0.5 } });
    for (const [index, id] of ['team/helper', 'team/second', 'team/third', 'team/fourth'].entries()) {
      await createCustomModel(t, admin, {
        id,
        base_model_id: 'gpt-4o',
        name: `Helper ${index} "ünï" \u2028 <b>`,
        meta: {
          description: `coder number ${index}`,
          tags: [{ name: index % 2 ? 'legal' : 'coding' }],
          ...(index === 0 ? { profile_image_url: `data:image/png;base64,${TINY_PNG_BASE64}` } : {}),
        },
        access_grants: [groupGrant(team), userGrant(bob.id, 'write'), ...(index === 3 ? [publicGrant()] : [])],
      });
    }
    await createCustomModel(t, alice, { id: 'alice/own', base_model_id: 'gpt-4o', name: 'Own' });
    key = (await createApiKey(t, alice)).key;
    narrowKey = (await createApiKey(t, alice, { models: ['team/helper', 'alice/own'] })).key;
  });
  afterAll(async () => {
    await nest?.t.close();
    await early?.t.close();
    await database?.drop();
  });

  async function both(path: string, headers: Record<string, string>) {
    const id = `miss-${(sent += 1)}`;
    const sentHeaders = { 'x-request-id': id, ...headers };
    const a = await rawAnswer(early.t, 'GET', path, sentHeaders);
    const b = await rawAnswer(nest.t, 'GET', path, sentHeaders);
    for (let i = 0; i < 50 && !(early.lines.has(id) && nest.lines.has(id)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { early: a, nest: b, earlyLine: early.lines.get(id), nestLine: nest.lines.get(id) };
  }

  /** Both apps answer alike; returns the answer and whether the early path built it. */
  async function expectSame(path: string, headers: Record<string, string>): Promise<[RawAnswer, boolean]> {
    const before = early.lane.builtEarly;
    const got = await both(path, headers);
    const label = `${path} ${JSON.stringify(headers).slice(0, 100)}`;
    expect([label, got.early.status, got.early.headers, got.early.body.toString('utf8')]).toEqual([
      label,
      got.nest.status,
      got.nest.headers,
      got.nest.body.toString('utf8'),
    ]);
    expect([label, got.earlyLine]).toEqual([label, got.nestLine]);
    expect(got.earlyLine).toBeDefined();
    expect(nest.lane.builtEarly).toBe(0);
    return [got.early, early.lane.builtEarly === before + 1];
  }

  const user = () => bearer(alice.token);
  const anthropic = () => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01' });
  const built: Array<[string, () => Record<string, string>]> = [
    ['/api/models/list', user],
    ['/api/models/list', () => bearer(admin.token)],
    ['/api/v1/models/list?page=1', () => ({ 'x-api-key': key })],
    ['/api/models/list', () => ({ Cookie: `token=${alice.token}`, Origin: ALLOWED_ORIGIN })],
    ['/api/models/list', () => ({ ...user(), Origin: 'https://elsewhere.example' })],
    ['/api/models/list?query=coder&tag=legal', user],
    ['/api/models/list?query=%C3%BCn%C3%AF', user],
    ['/api/models/list?view_option=shared&order_by=name&direction=asc', user],
    ['/api/models/list?view_option=created', user],
    ['/api/models/list?page=2', user],
    ['/api/models/list?page=0', user],
    ['/api/models/list?capability=tools&min_context_length=1', user],
    ['/api/models/list?query=', user],
    ['/v1/models', () => ({ 'x-api-key': key })],
    ['/v1/models', () => ({ Authorization: `Bearer ${narrowKey}` })],
    ['/v1/models?limit=2', anthropic],
    ['/v1/models?limit=2&after_id=team%2Fhelper', anthropic],
    ['/v1/models?limit=2&before_id=alice%2Fown', anthropic],
    ['/v1/models', () => ({ ...user(), 'anthropic-version': '2023-06-01' })],
    ['/v1beta/models', () => ({ 'x-goog-api-key': key })],
    ['/v1beta/models?pageSize=2', () => ({ 'x-goog-api-key': key })],
    [`/v1/models?key=KEY`, () => ({})],
    ['/v1/models', () => ({ 'x-api-key': key, 'Accept-Encoding': 'identity' })],
    ['/api/models/list', () => ({ ...user(), 'Accept-Encoding': 'gzip;q=0' })],
  ];

  it.each(built)('%s: built early, byte for byte as Nest answers', async (path, headers) => {
    const [answer, wasBuilt] = await expectSame(path.replace('KEY', key), headers());
    expect(answer.status).toBe(200);
    expect(wasBuilt).toBe(true);
    // Again: with the cache off, a miss once more, built the same.
    expect((await expectSame(path.replace('KEY', key), headers()))[1]).toBe(true);
  });

  const leftToNest: Array<[string, string, () => Record<string, string>]> = [
    ['a bad page', '/api/models/list?page=abc', user],
    ['an unknown list parameter', '/api/models/list?color=red', user],
    ['a too long query', `/api/models/list?query=${'x'.repeat(501)}`, user],
    ['a bad view', '/api/models/list?view_option=mine', user],
    ['a bad filter (OpenAI shape)', '/v1/models?min_context_length=-1', () => ({ 'x-api-key': key })],
    ['a bad filter (Anthropic shape)', '/v1/models?min_context_length=abc', anthropic],
    ['a bad limit (Anthropic shape)', '/v1/models?limit=abc', anthropic],
    ['an unknown cursor', '/v1/models?after_id=nobody', anthropic],
    ['a bad page token (Gemini shape)', '/v1beta/models?pageToken=%%%', () => ({ 'x-goog-api-key': key })],
    ['a compressed answer', '/api/models/list', () => ({ ...user(), 'Accept-Encoding': 'gzip, deflate, br' })],
    ['a compressed gateway answer', '/v1/models', () => ({ 'x-api-key': key, 'Accept-Encoding': 'br' })],
    ['a stale validator', '/api/models/list', () => ({ ...user(), 'If-None-Match': '"stale"' })],
    ['If-None-Match: *', '/v1/models?limit=2', () => ({ ...anthropic(), 'If-None-Match': '*' })],
    ['no credential', '/api/models/list', () => ({})],
    ['a route whose misses Nest builds', '/api/models/tags', user],
  ];

  it.each(leftToNest)('leaves %s to Express and Nest', async (_label, path, headers) => {
    const [, wasBuilt] = await expectSame(path, headers());
    expect(wasBuilt).toBe(false);
  });

  it('answers HEAD through Nest, as before', async () => {
    const before = early.lane.builtEarly;
    const a = await rawAnswer(early.t, 'HEAD', '/api/models/list', user());
    const b = await rawAnswer(nest.t, 'HEAD', '/api/models/list', user());
    expect(a.headers.filter((h) => !h.startsWith('x-request-id'))).toEqual(
      b.headers.filter((h) => !h.startsWith('x-request-id')),
    );
    expect(early.lane.builtEarly).toBe(before);
  });
});
