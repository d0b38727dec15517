import request from 'supertest';
import { bearer, createApiKey, createUser, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

const NOT_INFERENCE = /serves model lists only .*not inference/;

describe('error messages that say what to do', () => {
  let t: TestApp;
  let admin: Actor;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    key = (await createApiKey(t, await createUser(t, admin))).key;
  });
  afterAll(() => t.close());

  describe('a required field left out', () => {
    it('is "<field> is required", not a type error', async () => {
      const res = await request(t.server).post('/api/groups').set(bearer(admin.token)).send({}).expect(400);
      expect(res.body.detail).toBe('name is required');
      const signUpRes = await request(t.server)
        .post('/api/auths/signup')
        .send({ name: 'N', password: 'long-enough-pw' })
        .expect(400);
      expect(signUpRes.body.detail).toBe('email is required');
    });

    it('is not said of a value that is present but wrong', async () => {
      const post = (name: unknown) =>
        request(t.server).post('/api/groups').set(bearer(admin.token)).send({ name }).expect(400);
      expect((await post(5)).body.detail).toBe('name must be a string');
      expect((await post(null)).body.detail).toBe('name must be a string');
      expect((await post('')).body.detail).toMatch(/^name must be longer/);
    });

    it('is named with its path inside an import, which skips that model', async () => {
      const res = await request(t.server)
        .post('/api/models/import')
        .set(bearer(admin.token))
        .send({ models: [{ id: 'nameless', base_model_id: 'whatever' }] })
        .expect(200);
      expect(res.body.results).toEqual([{ id: 'nameless', status: 'skipped', reason: 'name is required' }]);
    });

    it('says where the model id goes on GET /api/models/model', async () => {
      const res = await request(t.server).get('/api/models/model').set(bearer(admin.token)).expect(400);
      expect(res.body.detail).toBe('id is required: send the model id in the query, ?id=<model id>');
    });
  });

  describe('a body that is not JSON', () => {
    it.each([
      ['text/plain', 'text/plain', '{"name":"Plain"}'],
      ['form encoding (curl -d)', 'application/x-www-form-urlencoded', 'name=Form'],
    ])('is a 415 asking for Content-Type: application/json (%s)', async (_label, type, body) => {
      const res = await request(t.server)
        .post('/api/groups')
        .set(bearer(admin.token))
        .set('Content-Type', type)
        .send(body)
        .expect(415);
      expect(res.body).toMatchObject({
        statusCode: 415,
        error: 'Unsupported Media Type',
        detail: `Request body must be JSON: send Content-Type: application/json (got "${type}")`,
      });
    });

    it('is a 415 without any Content-Type too', async () => {
      const res = await request(t.server)
        .post('/api/groups')
        .set(bearer(admin.token))
        .set('Content-Length', '15')
        .send(Buffer.from('{"name":"None"}'))
        .unset('Content-Type');
      expect(res.status).toBe(415);
      expect(res.body.detail).toContain('(got no Content-Type)');
    });

    it('does not concern requests without a body, empty chunked ones included', async () => {
      const empty = await request(t.server).post('/api/models/model/toggle?id=absent').set(bearer(admin.token));
      expect(empty.status).toBe(404);
      const typed = await request(t.server)
        .post('/api/models/model/toggle?id=absent')
        .set(bearer(admin.token))
        .set('Content-Type', 'text/plain')
        .send('');
      expect(typed.status).toBe(404);
    });
  });

  describe('a Gemini-style key outside the gateway', () => {
    it('says ?key= works only on /v1 and /v1beta', async () => {
      const res = await request(t.server).get(`/api/models/list?key=${key}`).expect(401);
      expect(res.body.detail).toBe(
        '?key= and x-goog-api-key work only on /v1 and /v1beta (model lists for Gemini clients); ' +
          'on /api send the key as Authorization: Bearer sk-… or x-api-key',
      );
      const header = await request(t.server).get('/api/models/list').set('x-goog-api-key', key).expect(401);
      expect(header.body.detail).toBe(res.body.detail);
      await request(t.server).get('/api/models/list').set('x-api-key', key).expect(200);
    });
  });

  describe('inference calls under /v1 and /v1beta', () => {
    const message = (method: string, path: string) =>
      `${method} ${path} is not served here: this registry serves model lists only ` +
      '(GET /v1/models, /v1beta/models), not inference; send inference requests to the model provider or gateway';

    it.each(['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/responses', '/v1/images/generations'])(
      'POST %s is a 404 in OpenAI shape',
      async (path) => {
        const res = await request(t.server).post(path).set(bearer(key)).send({ model: 'm', messages: [] }).expect(404);
        expect(res.body).toEqual({
          success: false,
          message: message('POST', path),
          error: { message: message('POST', path), type: 'invalid_request_error', code: 'unknown_url' },
        });
      },
    );

    it('POST /v1/messages from the Anthropic SDK is a 404 in Anthropic shape', async () => {
      const res = await request(t.server)
        .post('/v1/messages')
        .set('anthropic-version', '2023-06-01')
        .set('x-api-key', key)
        .send({ model: 'm', max_tokens: 1, messages: [] })
        .expect(404);
      expect(res.body).toEqual({
        type: 'error',
        error: { type: 'not_found_error', message: message('POST', '/v1/messages') },
      });
    });

    it.each(['generateContent', 'streamGenerateContent', 'embedContent', 'countTokens'])(
      'POST /v1beta/models/gemini-pro:%s is a 404 in Gemini shape',
      async (method) => {
        const path = `/v1beta/models/gemini-pro:${method}`;
        const res = await request(t.server).post(path).set('x-goog-api-key', key).send({ contents: [] }).expect(404);
        expect(res.body).toEqual({ error: { code: 404, message: message('POST', path), status: 'NOT_FOUND' } });
      },
    );

    it('answers before the body is read: without credentials, or with a body that is not JSON', async () => {
      const res = await request(t.server)
        .post('/v1/chat/completions')
        .set('Content-Type', 'application/json')
        .send('{"model": ')
        .expect(404);
      expect(res.body.error.message).toMatch(NOT_INFERENCE);
    });

    it('leaves model lookups alone: ids may contain ":"', async () => {
      const res = await request(t.server).get('/v1beta/models/llama3:generateContent').set('x-goog-api-key', key);
      expect(res.status).toBe(404);
      expect(res.body.error.message).not.toMatch(NOT_INFERENCE);
      await request(t.server).get('/v1/models').set(bearer(key)).expect(200);
    });
  });
});
