import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

describe('foundation: error bodies, limits, docs', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('answers /health with the database up', async () => {
    const res = await request(t.server).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('answers an unknown route with a 404 JSON error body', async () => {
    const res = await request(t.server).get('/no/such/route').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: expect.any(String),
      detail: expect.stringContaining('/no/such/route'),
    });
  });

  it('answers malformed JSON with 400 naming the problem', async () => {
    const res = await request(t.server)
      .post('/api/auths/signin')
      .set('content-type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', detail: 'Malformed JSON in request body' });
  });

  it('answers a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    const res = await request(t.server).post('/api/models/create').set('content-type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', detail: expect.any(String) });
  });

  it('accepts JSON bodies larger than the framework default of 100 KB', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(500 * 1024) });
    const res = await request(t.server).post('/health').set('content-type', 'application/json').send(body);
    // Parsed, then routed: no 413; /health has no POST, so 404.
    expect(res.status).toBe(404);
  });

  it('gives each response a request id', async () => {
    const res = await request(t.server).get('/health');
    expect(res.headers['x-request-id']).toMatch(/^[\w.-]+$/);
  });

  it('serves the OpenAPI document at /docs-json and the UI at /docs', async () => {
    const doc = await request(t.server).get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/health']).toBeDefined();
    await request(t.server).get('/docs').expect(200);
  });
});
