import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import request from 'supertest';
import { bearer, createApiKey, createGroup, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The answer as sent, bytes not decoded (supertest would decode gzip). */
function fetchRaw(t: TestApp, path: string, headers: Record<string, string>): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    get(`${t.baseUrl}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    }).on('error', reject);
  });
}

function directives(csp: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (csp ?? '').split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('HTTP basics', () => {
  let t: TestApp;
  let admin: Actor;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t);
    key = (await createApiKey(t, admin)).key;
    for (let i = 0; i < 8; i++) {
      await request(t.server)
        .post('/api/models/create')
        .set(bearer(admin.token))
        .send({ id: `base/model-${i}`, name: `Base model ${i}`, owned_by: 'acme' })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  describe('security headers', () => {
    it.each([
      ['/api answers', '/api/models/list', 200],
      ['/v1 answers', '/v1/models', 200],
      ['errors', '/v1/models?limit=0', 400],
    ])('are on %s', async (_label, path, status) => {
      const res = await request(t.server).get(path).set(bearer(key)).set('anthropic-version', '2023-06-01');
      expect(res.status).toBe(status);
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
        'cross-origin-opener-policy': 'same-origin',
      });
      const csp = directives(res.headers['content-security-policy']);
      expect(csp).toMatchObject({
        'default-src': "'self'",
        'script-src': "'self'",
        'style-src': "'self'",
        'img-src': "'self' data:",
        'object-src': "'none'",
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('let the Swagger UI at /docs load: every script is a file from this origin, styles may be inline', async () => {
      const page = await request(t.server).get('/docs').expect(200);
      const csp = directives(page.headers['content-security-policy']);
      expect(csp['script-src']).toBe("'self'");
      expect(csp['style-src']).toBe("'self' 'unsafe-inline'");
      // Inline script would be blocked by script-src 'self': there must be none.
      const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      const assets = [...page.text.matchAll(/<link [^>]*href="([^"]+)"/g)].map((match) => match[1]);
      for (const [, attributes, body] of scripts) {
        expect(body.trim()).toBe('');
        assets.push(/src="([^"]+)"/.exec(attributes)![1]);
      }
      for (const asset of assets) {
        const url = new URL(asset, `${t.baseUrl}/docs`);
        expect(url.origin).toBe(t.baseUrl);
        const res = await request(t.server).get(url.pathname).expect(200);
        expect(res.headers['content-type']).toMatch(/javascript|css|image\/png/);
      }
      const spec = await request(t.server).get('/docs-json').expect(200);
      expect(spec.body.openapi).toMatch(/^3\./);
    });
  });

  describe('compression', () => {
    it('sends /v1/models over 1 KiB as gzip or br, both decoding to the same JSON', async () => {
      const headers = { Authorization: `Bearer ${key}` };
      const plain = await fetchRaw(t, '/v1/models', { ...headers, 'Accept-Encoding': 'identity' });
      const gzip = await fetchRaw(t, '/v1/models', { ...headers, 'Accept-Encoding': 'gzip' });
      const br = await fetchRaw(t, '/v1/models', { ...headers, 'Accept-Encoding': 'br' });
      expect([plain.status, gzip.status, br.status]).toEqual([200, 200, 200]);
      expect(plain.body.length).toBeGreaterThan(1024);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(br.headers['content-encoding']).toBe('br');
      expect(gzip.body.length).toBeLessThan(plain.body.length);
      expect(br.body.length).toBeLessThan(plain.body.length);
      const json = JSON.parse(plain.body.toString('utf8')) as { data: unknown[] };
      expect(json.data).toHaveLength(8);
      expect(JSON.parse(gunzipSync(gzip.body).toString('utf8'))).toEqual(json);
      expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(json);
    });

    it('sends answers under 1 KiB as they are, and compresses the same route once over', async () => {
      const id = await createGroup(t, admin, 'Sized', []);
      const sizeWith = async (description: string) => {
        await request(t.server).patch(`/api/groups/${id}`).set(bearer(admin.token)).send({ description }).expect(200);
        return fetchRaw(t, `/api/groups/${id}`, {
          Authorization: `Bearer ${admin.token}`,
          'Accept-Encoding': 'gzip, br',
        });
      };
      const base = (await sizeWith('')).body.length;
      const small = await sizeWith('x'.repeat(900 - base));
      expect(small.body.length).toBe(900);
      expect(small.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(small.body.toString('utf8'))).toMatchObject({ id, name: 'Sized' });
      const large = await sizeWith('x'.repeat(1100 - base));
      expect(large.headers['content-encoding']).toBe('br');
    });
  });

  describe('CORS', () => {
    const preflight = (app: TestApp, origin: string) =>
      request(app.server)
        .options('/api/models/list')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');

    it('is off by default: no origin is allowed', async () => {
      const res = await preflight(t, 'https://app.example.com');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await request(t.server).get('/health').set('Origin', 'https://app.example.com');
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    describe('with CORS_ORIGINS', () => {
      let withCors: TestApp;
      beforeAll(async () => (withCors = await startTestApp({ corsOrigins: ['https://app.example.com'] })));
      afterAll(() => withCors.close());

      it('answers a preflight from a listed origin with the CORS headers, before the guard', async () => {
        const res = await preflight(withCors, 'https://app.example.com').expect(204);
        expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
        expect(res.headers['access-control-allow-methods']).toContain('GET');
        expect(res.headers['access-control-allow-headers']).toBe('authorization');
        // Open WebUI's pages sign in with credentials: 'include', which browsers refuse without this.
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        const actual = await request(withCors.server).get('/health').set('Origin', 'https://app.example.com');
        expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.com');
      });

      it('gives another origin no CORS headers', async () => {
        const res = await preflight(withCors, 'https://evil.example.com');
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        const actual = await request(withCors.server).get('/health').set('Origin', 'https://evil.example.com');
        expect(actual.headers['access-control-allow-origin']).toBeUndefined();
      });
    });
  });
});
