import request from 'supertest';
import { signUp } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

/** The built page's first script, e.g. /assets/index-abc123.js. */
function scriptOf(html: string): string {
  const match = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)">/.exec(html);
  if (!match) throw new Error(`no module script in the page: ${html}`);
  return match[1];
}

/** docs/webapp.md: the web app at `/` (state in its query string); every other unknown path keeps the JSON 404. */
describe('the web app served at /', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The jest global setup has built the app (test/support/global-setup.ts).
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves its page at / with any query string, revalidated each time, under a CSP without inline script', async () => {
    for (const path of ['/', '/?view=shared&query=x%20y&page=2', '/?p=edit&id=a/b:c']) {
      const res = await request(t.server).get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<div id="app"></div>');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      // No script in the page itself: only files from this service.
      expect(res.text.replace(/<script type="module" crossorigin src="\/assets\/[^"]+"><\/script>/, '')).not.toMatch(
        /<script/,
      );
      expect(res.text).not.toMatch(/https?:\/\//);
    }
  });

  it('serves the hashed assets for a year, without credentials (they hold no data)', async () => {
    const page = await request(t.server).get('/').expect(200);
    const script = scriptOf(page.text);
    const res = await request(t.server).get(script).expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('keeps the JSON 404 for every other unknown path, missing assets and other methods included', async () => {
    const paths = [
      '/index.htm',
      '/app',
      '/app.js',
      '/assets/missing.js',
      '/assets/',
      '/assets',
      '/favicon.ico',
      '/web/',
    ];
    for (const path of paths) {
      const res = await request(t.server).get(path).expect(404);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 404, error: 'Not Found' }));
      expect(typeof res.body.detail).toBe('string');
    }
    const post = await request(t.server).post('/').send({}).expect(404);
    expect(post.body.statusCode).toBe(404);
  });

  it('never answers the API with the page: an unknown /api path is still a JSON 404', async () => {
    const admin = await signUp(t, 'Web Admin');
    const res = await request(t.server).get('/api/nothing-here').set('Authorization', `Bearer ${admin.token}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });
});
