import request from 'supertest';
import { Actor, bearer, createUser, signUp } from './support/actors';
import { createBaseModel, expectApiError, Json, modelApi, userGrant } from './support/model-fixtures';
import { startTestApp, TestApp } from './support/test-app';

/** Regressions: bugs the model tests found (missing name gave 500; odd data: URIs listed as images). */
const BASE = 'vendor/regressions-base';

let t: TestApp;
let admin: Actor;
let owner: Actor;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Admin');
  owner = await createUser(t, admin, { name: 'Owner' });
  await createBaseModel(t, admin, { id: BASE });
});
afterAll(() => t?.close());

describe('a model without a name', () => {
  it('is refused on create with 400 naming name, and nothing is stored', async () => {
    expectApiError(await modelApi(t, owner).create({ id: 'bugs/nameless', base_model_id: BASE }), 400, /name/);
    expectApiError(await modelApi(t, admin).get('bugs/nameless'), 404);
  });

  it('is skipped with a reason on import while the other models are imported', async () => {
    const res = await modelApi(t, owner).importModels([
      { id: 'bugs/import-nameless', base_model_id: BASE },
      { id: 'bugs/import-named', base_model_id: BASE, name: 'Named' },
    ]);
    expect([200, 201]).toContain(res.status);
    expect(res.body.results).toEqual([
      { id: 'bugs/import-nameless', status: 'skipped', reason: expect.any(String) },
      expect.objectContaining({ id: 'bugs/import-named', status: 'created' }),
    ]);
  });
});

describe('list parameters of the wrong type', () => {
  it('are reported as such (a repeated query or tag is not a string), not as a bad length or character', async () => {
    for (const name of ['query', 'tag']) {
      const res = await request(t.server).get(`/api/models/list?${name}=a&${name}=b`).set(bearer(owner.token));
      expectApiError(res, 400, new RegExp(`^${name} must be a string$`));
    }
  });
});

describe('profile images', () => {
  it('never lists an image URL that the image route does not serve', async () => {
    const odd = {
      'img/svg': 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
      'img/html': 'data:text/html;base64,PGI+aGk8L2I+',
      'img/broken': 'data:image/png;base64,%%%',
    };
    for (const [id, uri] of Object.entries(odd)) {
      const res = await modelApi(t, owner).create({
        id,
        base_model_id: BASE,
        name: id,
        meta: { profile_image_url: uri },
        access_grants: [userGrant(admin.id)],
      });
      if (res.status !== 201) expectApiError(res, 400, /profile_image_url/);
    }
    const items = (await modelApi(t, owner).list({ query: 'img/' })).body.items as Json[];
    for (const item of items.filter((i) => String(i.meta.profile_image_url).includes('/profile/image'))) {
      const url = new URL(item.meta.profile_image_url as string, 'http://host.invalid');
      const res = await modelApi(t, owner).image(url.searchParams.get('id')!);
      expect({ id: item.id, status: res.status, type: res.headers['content-type'] }).toEqual({
        id: item.id,
        status: 200,
        type: expect.stringMatching(/^image\//),
      });
    }
  });
});
