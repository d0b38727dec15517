import request from 'supertest';
import { bearer, createApiKey, createUser, signUp, type Actor } from './support/actors';
import { startTestApp, type TestApp } from './support/test-app';

/** What GET /api/auths tells Open WebUI's pages (Models, Import, Export, sharing) about the caller. */
const expected = (flags: { approved: boolean; admin: boolean; canImport: boolean }) => ({
  workspace: { models: flags.approved, models_import: flags.canImport, models_export: flags.approved },
  sharing: { models: flags.approved, public_models: flags.admin },
  access_grants: { allow_users: flags.approved, allow_groups: flags.approved },
});

async function permissionsOf(t: TestApp, credential: string, path = '/api/auths'): Promise<unknown> {
  const res = await request(t.server).get(path).set(bearer(credential)).expect(200);
  return res.body.permissions;
}

describe('permissions on GET /api/auths', () => {
  describe('with USER_CAN_CREATE_MODELS on (the default)', () => {
    let t: TestApp;
    let admin: Actor;
    let user: Actor;
    let pending: Actor;
    beforeAll(async () => {
      t = await startTestApp();
      admin = await signUp(t, 'Admin');
      user = await createUser(t, admin, { role: 'user' });
      pending = await signUp(t, 'Pending');
    });
    afterAll(() => t.close());

    it('gives an admin everything', async () => {
      expect(await permissionsOf(t, admin.token)).toEqual(expected({ approved: true, admin: true, canImport: true }));
    });

    it('lets a user use, import, export and share models, but not make them public', async () => {
      expect(await permissionsOf(t, user.token)).toEqual(expected({ approved: true, admin: false, canImport: true }));
    });

    it('gives a pending account nothing', async () => {
      expect(await permissionsOf(t, pending.token)).toEqual(
        expected({ approved: false, admin: false, canImport: false }),
      );
    });

    it('answers Open WebUI’s GET /api/v1/auths/ (trailing slash) the same way', async () => {
      expect(await permissionsOf(t, user.token, '/api/v1/auths/')).toEqual(await permissionsOf(t, user.token));
    });

    it('follows a role change at once', async () => {
      const later = await createUser(t, admin, { role: 'user' });
      await request(t.server)
        .patch(`/api/users/${later.id}`)
        .set(bearer(admin.token))
        .send({ role: 'admin' })
        .expect(200);
      expect(await permissionsOf(t, later.token)).toEqual(expected({ approved: true, admin: true, canImport: true }));
    });

    it('describes the key’s account when the caller uses an API key', async () => {
      const { key } = await createApiKey(t, user);
      expect(await permissionsOf(t, key)).toEqual(await permissionsOf(t, user.token));
    });

    it('claims no write ability for a read-only key, even an admin’s (it may only read)', async () => {
      const readOnly = {
        workspace: { models: true, models_import: false, models_export: false },
        sharing: { models: false, public_models: false },
        access_grants: { allow_users: false, allow_groups: false },
      };
      for (const owner of [user, admin]) {
        const { key } = await createApiKey(t, owner, { read_only: true });
        expect(await permissionsOf(t, key, '/api/v1/auths/')).toEqual(readOnly);
      }
      // A key narrowed to a token group or an allow-list is read-only too.
      const { key } = await createApiKey(t, user, { models: ['some/model'] });
      expect(await permissionsOf(t, key)).toEqual(readOnly);
      // And the routes agree: the read-only key cannot import.
      const { key: adminKey } = await createApiKey(t, admin, { read_only: true });
      const res = await request(t.server).post('/api/models/import').set(bearer(adminKey)).send({ models: [] });
      expect(res.status).toBe(403);
    });
  });

  describe('with USER_CAN_CREATE_MODELS=false', () => {
    let t: TestApp;
    let admin: Actor;
    let user: Actor;
    beforeAll(async () => {
      t = await startTestApp({ userCanCreateModels: false });
      admin = await signUp(t, 'Admin');
      user = await createUser(t, admin, { role: 'user' });
    });
    afterAll(() => t.close());

    it('hides Import from users (importing creates models) and keeps it for admins', async () => {
      expect(await permissionsOf(t, user.token)).toEqual(expected({ approved: true, admin: false, canImport: false }));
      expect(await permissionsOf(t, admin.token)).toEqual(expected({ approved: true, admin: true, canImport: true }));
    });
  });
});
