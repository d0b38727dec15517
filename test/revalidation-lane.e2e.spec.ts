import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import request from 'supertest';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { RevalidationLane } from '../src/auth/revalidation-lane';
import { revalidatedRoutes } from '../src/auth/revalidation-routes';
import { REVALIDATED } from '../src/common/revalidation.interceptor';
import { Actor, bearer, createApiKey, createGroup, createUser, signUp } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { createBaseModel, createCustomModel, groupGrant, publicGrant } from './support/model-fixtures';
import { REVALIDATED_API_PATHS, REVALIDATED_GATEWAY_PATHS } from './support/revalidated-paths';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The revalidation lane (src/auth/revalidation-lane.ts) answers 304s and cached answers ahead of
 * Nest's router. Every answer here is asked of two apps on one database: `laned` (the lane on)
 * and `plain` (REVALIDATION_LANE=false: Nest alone), and must be the same bytes, headers included.
 */

interface RawAnswer {
  status: number;
  /** Every header as sent, in order, except Date (the clock's). */
  headers: string[];
  body: string;
}

function raw(t: TestApp, method: 'GET' | 'HEAD', path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, t.baseUrl);
    const call = httpRequest(
      url,
      { method, headers: { 'x-request-id': 'lane-test', ...headers }, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          // A kept coding goes out whole with its length, the middleware's chunked: compared decoded
          // (test/compressed-hits.e2e.spec.ts holds the rest of that comparison).
          const coded = response.headers['content-encoding'] !== undefined;
          const pairs: string[] = [];
          for (let i = 0; i < response.rawHeaders.length; i += 2) {
            const name = response.rawHeaders[i].toLowerCase();
            if (name === 'date' || (coded && (name === 'content-length' || name === 'transfer-encoding'))) continue;
            pairs.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
          }
          const sent = Buffer.concat(chunks);
          const decode = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync }[
            response.headers['content-encoding'] ?? ''
          ];
          const body = (decode ? decode(sent) : sent).toString('base64');
          resolve({ status: response.statusCode ?? 0, headers: pairs, body });
        });
      },
    );
    call.on('error', reject);
    call.end();
  });
}

function etagOf(answer: RawAnswer): string {
  const line = answer.headers.find((header) => header.toLowerCase().startsWith('etag: '));
  if (!line) throw new Error(`no ETag in ${answer.status} ${answer.headers.join(' | ')}`);
  return line.slice('etag: '.length);
}

describe('the revalidation lane answers exactly as Nest does', () => {
  let laned: TestApp;
  let plain: TestApp;
  let lane: RevalidationLane;
  let admin: Actor;
  let alice: Actor;
  let pending: Actor;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    laned = await startTestApp();
    plain = await startAppOnDatabase(laned.config.databaseUrl, { revalidationLane: false });
    lane = RevalidationLane.of(laned.app)!;
    expect(lane).toBeDefined();
    expect(RevalidationLane.of(plain.app)).toBeUndefined();
    admin = await signUp(laned, 'Admin');
    alice = await createUser(laned, admin, { name: 'Alice' });
    const bob = await createUser(laned, admin, { name: 'Bob' });
    pending = await signUp(laned, 'Pending');
    const team = await createGroup(laned, admin, 'team', [alice.id, bob.id]);
    const left = await createGroup(laned, admin, 'left', [alice.id]);
    await createBaseModel(laned, admin, { id: 'gpt-4o' });
    await createCustomModel(laned, bob, {
      id: 'team/helper',
      base_model_id: 'gpt-4o',
      access_grants: [groupGrant(team)],
    });
    await createCustomModel(laned, bob, { id: 'bob/public', base_model_id: 'gpt-4o', access_grants: [publicGrant()] });
    keys.full = (await createApiKey(laned, alice)).key;
    keys.allowList = (await createApiKey(laned, alice, { models: ['team/helper'] })).key;
    keys.readOnly = (await createApiKey(laned, alice, { read_only: true })).key;
    keys.admin = (await createApiKey(laned, admin)).key;
    const expired = await createApiKey(laned, alice);
    await laned.dataSource.query('UPDATE api_keys SET expires_at = 1 WHERE id = $1', [expired.id]);
    keys.expired = expired.key;
    keys.leftGroup = (await createApiKey(laned, alice, { group_id: left })).key;
    await request(laned.server).delete(`/api/groups/${left}/members/${alice.id}`).set(bearer(admin.token));
  });
  afterAll(async () => {
    await plain?.close();
    await laned?.close();
  });

  it("takes every @Revalidated() route from Nest's metadata, and no other", () => {
    const routes = revalidatedRoutes(laned.app.get(ModulesContainer), laned.app.get(Reflector));
    const names = [...routes.values()].flatMap((route) => (route ? [route.name] : []));
    const marked = [...laned.app.get(ModulesContainer).values()].flatMap((module) =>
      [...module.controllers.values()].flatMap((wrapper) => {
        const prototype = (wrapper.metatype as { prototype: Record<string, object> }).prototype;
        return Object.getOwnPropertyNames(prototype)
          .filter((name) => Reflect.getMetadata(REVALIDATED, prototype[name]) !== undefined)
          .map((name) => `${(wrapper.metatype as { name: string }).name}.${name}`);
      }),
    );
    expect(names.sort()).toEqual(marked.sort());
    expect(names.length).toBe(13);
  });

  const API_ROUTES = [...REVALIDATED_API_PATHS, '/api/models/list?capability=tools&capability=vision&order_by=name'];
  const GATEWAY_ROUTES = REVALIDATED_GATEWAY_PATHS;
  /** Each family's way of sending the credential (docs/gateway.md). */
  const families: Record<string, () => Record<string, string>> = {
    'sign-in token': () => bearer(alice.token),
    'session cookie from another site (a GET is allowed)': () => ({
      Cookie: `token=${alice.token}`,
      Origin: 'https://elsewhere.example',
    }),
    'API key (x-api-key)': () => ({ 'x-api-key': keys.full }),
    OpenAI: () => ({ Authorization: `Bearer ${keys.full}` }),
    Anthropic: () => ({ 'x-api-key': keys.full, 'anthropic-version': '2023-06-01' }),
    Gemini: () => ({ 'x-goog-api-key': keys.full }),
  };
  const cases: Array<[string, string, string]> = [
    ...API_ROUTES.flatMap((path) =>
      ['sign-in token', 'session cookie from another site (a GET is allowed)', 'API key (x-api-key)'].map(
        (family): [string, string, string] => [path, family, ''],
      ),
    ),
    ...GATEWAY_ROUTES.flatMap((path) =>
      ['OpenAI', 'Anthropic', 'Gemini'].map((family): [string, string, string] => [path, family, '']),
    ),
    ['/v1beta/models?key=KEY', 'Gemini ?key=', ''],
    ['/v1/models', 'OpenAI', 'gzip'],
    ['/v1/models', 'OpenAI', 'gzip, deflate, br'],
    ['/api/models/list', 'sign-in token', 'br'],
  ];
  const headersOf = (family: string, encoding: string): Record<string, string> => ({
    ...(families[family]?.() ?? {}),
    ...(encoding ? { 'Accept-Encoding': encoding } : {}),
  });
  const pathOf = (path: string) => path.replace('KEY', keys.full);

  it.each(cases)(
    '%s (%s, Accept-Encoding "%s"): the same 304 and cached 200, byte for byte',
    async (path, family, encoding) => {
      const headers = headersOf(family, encoding);
      const url = pathOf(path);
      const [first, firstPlain] = [await raw(laned, 'GET', url, headers), await raw(plain, 'GET', url, headers)];
      expect(first.status).toBe(200);
      expect(first).toEqual(firstPlain);
      const before = lane.answered;
      // Both caches hold the answer now: the lane serves it, Nest's interceptor serves its own.
      expect(await raw(laned, 'GET', url, headers)).toEqual(await raw(plain, 'GET', url, headers));
      const revalidate = { ...headers, 'If-None-Match': etagOf(first) };
      const notModified = await raw(laned, 'GET', url, revalidate);
      expect(notModified.status).toBe(304);
      expect(notModified).toEqual(await raw(plain, 'GET', url, revalidate));
      expect(await raw(laned, 'HEAD', url, revalidate)).toEqual(await raw(plain, 'HEAD', url, revalidate));
      expect(await raw(laned, 'HEAD', url, headers)).toEqual(await raw(plain, 'HEAD', url, headers));
      expect(lane.answered - before).toBe(4);
    },
  );

  it('answers the admin-only list to an admin sign-in token, and refuses it to everyone else as Nest does', async () => {
    const url = '/api/v1/models/all';
    const first = await raw(laned, 'GET', url, bearer(admin.token));
    await raw(plain, 'GET', url, bearer(admin.token));
    const before = lane.answered;
    const revalidate = { ...bearer(admin.token), 'If-None-Match': etagOf(first) };
    expect(await raw(laned, 'GET', url, revalidate)).toEqual(await raw(plain, 'GET', url, revalidate));
    expect(await raw(laned, 'GET', url, bearer(admin.token))).toEqual(
      await raw(plain, 'GET', url, bearer(admin.token)),
    );
    expect(lane.answered - before).toBe(2);
  });

  /** Requests the lane must leave to Nest: each is refused, with `If-None-Match: *` (which matches any tag). */
  const denials: Array<[string, string, () => Record<string, string>, number]> = [
    ['no credential', '/api/models/list', () => ({}), 401],
    ['no credential on the gateway', '/v1/models', () => ({}), 401],
    ['a wrong key', '/v1/models', () => ({ 'x-api-key': 'sk-wrong' }), 401],
    ['a malformed key', '/api/models/list', () => ({ Authorization: 'Bearer sk-' + 'x'.repeat(300) }), 401],
    ['an invalid sign-in token', '/api/models/list', () => bearer('not.a.token'), 401],
    ['an invalid session cookie', '/api/models/tags', () => ({ Cookie: 'token=not.a.token' }), 401],
    ['an expired key', '/v1/models', () => ({ 'x-api-key': keys.expired }), 401],
    ['an expired key on /api', '/api/models/list', () => ({ 'x-api-key': keys.expired }), 401],
    ['a key whose group its owner left', '/v1/models', () => ({ 'x-api-key': keys.leftGroup }), 403],
    ['a pending user', '/api/models/list', () => bearer(pending.token), 403],
    ['a pending user on the gateway', '/v1/models', () => bearer(pending.token), 403],
    ['a user on an admin route', '/api/v1/models/all', () => bearer(alice.token), 403],
    ['an admin key on a sign-in-token-only route', '/api/v1/models/all', () => ({ 'x-api-key': keys.admin }), 403],
    [
      'a read-only key on a sign-in-token-only route',
      '/api/v1/models/all',
      () => ({ 'x-api-key': keys.readOnly }),
      403,
    ],
    ['a gateway-only ?key= on /api', `/api/models/list?key=KEY`, () => ({}), 401],
    ['a gateway-only x-goog-api-key on /api', '/api/models/list', () => ({ 'x-goog-api-key': keys.full }), 401],
    ['an undecodable model id', '/v1/models/%E0%A4%A', () => ({ 'x-api-key': keys.full }), 400],
  ];

  it.each(denials)('leaves %s to Nest, which refuses it as before (%s)', async (_label, path, headers, status) => {
    const url = pathOf(path);
    // Warm both apps' caches with a permitted caller's answer on the same route first.
    await raw(laned, 'GET', url, bearer(admin.token));
    const before = lane.answered;
    for (const noneMatch of [undefined, '*']) {
      const sent = { ...headers(), ...(noneMatch ? { 'If-None-Match': noneMatch } : {}) };
      const got = await raw(laned, 'GET', url, sent);
      expect(got.status).toBe(status);
      expect(got).toEqual(await raw(plain, 'GET', url, sent));
    }
    expect(lane.answered).toBe(before);
  });

  it("never answers one caller's revalidation with another's tag, nor a narrowed key with its owner's answer", async () => {
    const url = '/v1/models';
    const owner = await raw(laned, 'GET', url, bearer(alice.token));
    await raw(laned, 'GET', url, { 'x-api-key': keys.allowList });
    const narrowed = { 'x-api-key': keys.allowList, 'If-None-Match': etagOf(owner) };
    const got = await raw(laned, 'GET', url, narrowed);
    expect(got.status).toBe(200);
    expect(got).toEqual(await raw(plain, 'GET', url, narrowed));
    const ids = (JSON.parse(Buffer.from(got.body, 'base64').toString()) as { data: { id: string }[] }).data.map(
      (m) => m.id,
    );
    expect(ids).toEqual(['team/helper']);
  });

  it('serves neither a 304 nor a kept answer once a change the caller can see has committed', async () => {
    const url = '/api/models/list';
    const first = await raw(laned, 'GET', url, bearer(alice.token));
    expect((await raw(laned, 'GET', url, bearer(alice.token))).body).toBe(first.body);
    await request(laned.server)
      .post('/api/models/model/update')
      .set(bearer(admin.token))
      .send({ id: 'team/helper', name: 'Renamed while kept' })
      .expect((res) => expect(res.status).toBe(200));
    const before = lane.answered;
    const revalidate = { ...bearer(alice.token), 'If-None-Match': etagOf(first) };
    const after = await raw(laned, 'GET', url, revalidate);
    expect(after.status).toBe(200);
    expect(Buffer.from(after.body, 'base64').toString()).toContain('Renamed while kept');
    expect(lane.answered).toBe(before);
  });
});
