import { connect } from 'node:net';
import request from 'supertest';
import { bearer, signUp } from './support/actors';
import { startTestApp, TestApp } from './support/test-app';

/** Sends raw bytes and returns the raw reply. */
function raw(t: TestApp, payload: string): Promise<string> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(payload));
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('requests Node rejects before routing', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('answers a URL over the header limit with a 431 JSON error body', async () => {
    const reply = await raw(t, `GET /api/models/list?query=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message: 'Request headers or URL are too large',
      detail: 'Request headers or URL are too large',
    });
  });

  it('answers malformed HTTP with a 400 JSON error body', async () => {
    const reply = await raw(t, 'NOT HTTP AT ALL\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('"statusCode":400');
  });

  it('treats an empty tag= as no tag filter', async () => {
    const admin = await signUp(t);
    const create = (body: object) =>
      request(t.server).post('/api/models/create').set(bearer(admin.token)).send(body).expect(201);
    await create({ id: 'base', name: 'Base', owned_by: 'acme' });
    await create({ id: 'custom', name: 'Custom', base_model_id: 'base', meta: { tags: ['x'] } });
    const res = await request(t.server).get('/api/models/list?tag=').set(bearer(admin.token)).expect(200);
    expect(res.body.total).toBe(1);
  });
});
