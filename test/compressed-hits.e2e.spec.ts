import { RevalidationLane } from '../src/auth/revalidation-lane';
import { AnswerCache } from '../src/common/answer-cache';
import { Actor, bearer, createApiKey, createGroup, createUser, signUp } from './support/actors';
import { startAppOnDatabase } from './support/app-on-database';
import { createBaseModel, createCustomModel, groupGrant } from './support/model-fixtures';
import { decodedBody, headerOf, RawAnswer, rawAnswer } from './support/raw-answer';
import { REVALIDATED_API_PATHS, REVALIDATED_GATEWAY_PATHS } from './support/revalidated-paths';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Answers from the cache keep their gzip, br and deflate bytes (src/common/answer-cache.ts) and the
 * lane sends them itself, negotiated as the compression middleware would (answer-encoding.ts).
 * Every answer here is asked of `cached` (lane and cache on, the answer kept) and `uncached`
 * (no lane, no cache: Nest builds it and the middleware compresses it as it streams).
 */

/** Accept-Encoding values, as SDKs, browsers and odd clients send them ('' = no header). */
const ACCEPT_ENCODINGS = [
  '',
  'gzip',
  'br',
  'deflate',
  'gzip, deflate, br',
  'gzip, deflate',
  'br;q=0.5, gzip',
  'gzip;q=0, deflate',
  '*',
  'identity',
  'identity;q=0',
  'gzip;q=0',
  'compress',
];

/**
 * The one difference by design: a kept coding goes out whole with its Content-Length; the middleware
 * streams it chunked (Transfer-Encoding) with no length. The compressed bytes may differ too (one
 * deflate call against a stream flushed as it is written); what they decode to may not.
 */
function comparable(answer: RawAnswer): { status: string; headers: string[]; body: string } {
  const streamed = /^(content-length|transfer-encoding): /i;
  const coded = headerOf(answer, 'content-encoding') !== undefined;
  return {
    status: `${answer.status} ${answer.statusMessage}`,
    headers: answer.headers.filter((line) => !(coded && streamed.test(line))),
    body: decodedBody(answer),
  };
}

describe('compressed answers from the cache', () => {
  let cached: TestApp;
  let uncached: TestApp;
  let lane: RevalidationLane;
  let alice: Actor;
  let key: string;

  beforeAll(async () => {
    cached = await startTestApp();
    uncached = await startAppOnDatabase(cached.config.databaseUrl, { revalidationLane: false, answerCacheMb: 0 });
    lane = RevalidationLane.of(cached.app)!;
    const admin = await signUp(cached, 'Admin');
    alice = await createUser(cached, admin, { name: 'Alice' });
    const team = await createGroup(cached, admin, 'team', [alice.id]);
    await createBaseModel(cached, admin, { id: 'gpt-4o' });
    // Enough models that the lists pass the middleware's 1 KiB threshold; single models stay under it.
    for (let i = 0; i < 8; i++) await createBaseModel(cached, admin, { id: `base-${i}` });
    for (const id of ['team/helper', ...Array.from({ length: 8 }, (_, i) => `team/helper-${i}`)]) {
      await createCustomModel(cached, admin, { id, base_model_id: 'gpt-4o', access_grants: [groupGrant(team)] });
    }
    key = (await createApiKey(cached, alice)).key;
  });
  afterAll(async () => {
    await uncached?.close();
    await cached?.close();
  });

  const sizes = new Map<string, number>();
  const cases: Array<[string, string]> = [
    ...REVALIDATED_API_PATHS.map((path): [string, string] => [path, 'sign-in token']),
    ...REVALIDATED_GATEWAY_PATHS.map((path): [string, string] => [path, 'API key']),
  ];

  it.each(cases)('%s (%s): the same coding, headers and decoded bytes as the middleware', async (path, family) => {
    const credential = family === 'API key' ? { 'x-api-key': key } : bearer(alice.token);
    let compressedHits = 0;
    let identityLength = 0;
    for (const acceptEncoding of ACCEPT_ENCODINGS) {
      const headers = {
        'x-request-id': 'compressed-hits',
        ...credential,
        ...(acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {}),
      };
      const context = `Accept-Encoding "${acceptEncoding}"`;
      await rawAnswer(cached, 'GET', path, headers);
      const answered = lane.answered;
      for (const method of ['GET', 'HEAD'] as const) {
        const hit = await rawAnswer(cached, method, path, headers);
        const reference = await rawAnswer(uncached, method, path, headers);
        expect(reference.status).toBe(200);
        expect([context, method, comparable(hit)]).toEqual([context, method, comparable(reference)]);
        if (method === 'GET' && acceptEncoding === '') identityLength = hit.body.length;
        if (method === 'GET' && headerOf(hit, 'content-encoding')) {
          compressedHits += 1;
          expect(Number(headerOf(hit, 'content-length'))).toBe(hit.body.length);
        }
        // A 304 names the representation through its tag alone, and varies as the 200 does.
        const tag = headerOf(hit, 'etag')!;
        const revalidate = { ...headers, 'If-None-Match': tag };
        const notModified = await rawAnswer(cached, method, path, revalidate);
        expect(notModified.status).toBe(304);
        expect([context, notModified]).toEqual([context, await rawAnswer(uncached, method, path, revalidate)]);
        expect(headerOf(notModified, 'vary')).toBe(headerOf(hit, 'vary'));
      }
      expect([context, lane.answered - answered]).toEqual([context, 4]);
    }
    // Over the threshold, each of the 8 values that negotiate a coding was sent from the cache in it.
    if (identityLength >= 1024) expect(compressedHits).toBe(8);
    else expect(compressedHits).toBe(0);
    sizes.set(path, identityLength);
  });

  it('had lists over the threshold and single models under it', () => {
    const over = [...sizes].filter(([, length]) => length >= 1024).map(([path]) => path);
    expect(over).toEqual(
      cases.map(([path]) => path).filter((path) => !/tags|export|model\?id=|\/team\/helper$/.test(path)),
    );
  });

  it('tags a coding, not a spelling of Accept-Encoding, and never lets one coding 304 another', async () => {
    const url = '/v1/models';
    const headers = { 'x-api-key': key };
    const tagFor = async (acceptEncoding: string) =>
      headerOf(await rawAnswer(cached, 'GET', url, { ...headers, 'Accept-Encoding': acceptEncoding }), 'etag');
    expect(await tagFor('gzip, deflate')).toBe(await tagFor('gzip'));
    expect(await tagFor('gzip, deflate, br')).toBe(await tagFor('br'));
    expect(await tagFor('gzip')).not.toBe(await tagFor('br'));
    const gzipTag = (await tagFor('gzip'))!;
    const other = await rawAnswer(cached, 'GET', url, {
      ...headers,
      'Accept-Encoding': 'br',
      'If-None-Match': gzipTag,
    });
    expect(other.status).toBe(200);
    expect(headerOf(other, 'content-encoding')).toBe('br');
  });

  it('counts the kept codings in the cache bound', async () => {
    const cache = cached.app.get(AnswerCache, { strict: false });
    const url = '/v1/models';
    await rawAnswer(cached, 'GET', url, { ...bearer(alice.token), 'Accept-Encoding': 'identity' });
    const before = cache.size;
    const gzip = await rawAnswer(cached, 'GET', url, { ...bearer(alice.token), 'Accept-Encoding': 'gzip' });
    expect(headerOf(gzip, 'content-encoding')).toBe('gzip');
    expect(cache.size - before).toBeGreaterThanOrEqual(gzip.body.length);
  });
});
