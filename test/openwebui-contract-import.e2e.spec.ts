import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createGroup, createUser, signUp, type Actor } from './support/actors';
import { createBaseModel, expectApiError, readModel, sortGrants, type Json } from './support/model-fixtures';
import { openWebUi } from './support/openwebui-client';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Models.svelte's Import button: it reads an export file and posts it whole through importModels
 * (src/lib/apis/models/index.ts). The fixtures under test/fixtures are shaped like Open WebUI's
 * exports: 0.6 (`access_control`, ModelUserResponse with `user`) and 0.8+ (`access_grants` with
 * their own id, resource and created_at, and `write_access`). LOCAL_USER and LOCAL_GROUP stand
 * for a user and a group that exist here; every other id names someone unknown here.
 */
let t: TestApp;
let admin: Actor;
let user: Actor;
let friend: Actor;
let groupId: string;

function fixture(name: string): Json[] {
  const text = readFileSync(join(__dirname, 'fixtures', name), 'utf8');
  return JSON.parse(text.replaceAll('LOCAL_USER', friend.id).replaceAll('LOCAL_GROUP', groupId)) as Json[];
}

const stored = async (id: string) =>
  t.dataSource.query(
    `SELECT principal_type, principal_id, permission FROM access_grants WHERE model_id = $1 ORDER BY 1, 2`,
    [id],
  );

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Import Admin');
  user = await createUser(t, admin, { name: 'Import User' });
  friend = await createUser(t, admin, { name: 'Import Friend' });
  groupId = await createGroup(t, admin, 'importers', [friend.id]);
  await createBaseModel(t, admin, { id: 'gpt-4o', context_length: 128000 });
  await createBaseModel(t, admin, { id: 'llama3.1:8b' });
});
afterAll(() => t?.close());

describe('Open WebUI 0.6 export (access_control)', () => {
  it('imports every model for an admin, converting access_control and naming unknown principals', async () => {
    const res = await openWebUi(t, admin.token).importModels(fixture('openwebui-0.6-models-export.json')).expect(200);
    expect(res.body.results).toEqual([
      { id: 'writing-assistant', status: 'created' },
      {
        id: 'team-reviewer',
        status: 'created',
        warnings: [
          expect.stringMatching(/no group with id "7a0e5c3d-2b1f-4e8a-9c6d-5f4e3d2c1b0a"/),
          expect.stringMatching(/no user with id "c9d8e7f6-a5b4-4c3d-8e2f-1a0b9c8d7e6f"/),
        ],
      },
      { id: 'private-notes', status: 'created' },
    ]);
    expect(await stored('writing-assistant')).toEqual([
      { principal_type: 'user', principal_id: '*', permission: 'read' },
    ]);
    expect(await stored('team-reviewer')).toEqual([
      { principal_type: 'group', principal_id: groupId, permission: 'read' },
      { principal_type: 'user', principal_id: friend.id, permission: 'read' },
    ]);
    expect(await stored('private-notes')).toEqual([]);
  });

  it('keeps the fields, makes the importer the owner and takes no server field from the file', async () => {
    const model = await readModel(t, admin, 'team-reviewer');
    expect(model).toMatchObject({
      name: 'Team Reviewer',
      base_model_id: 'gpt-4o',
      user_id: admin.id,
      params: { system: 'Review pull requests strictly.', temperature: 0.2 },
      meta: { description: 'Reviews code for the platform team.', tags: [{ name: 'coding' }, { name: 'review' }] },
    });
    expect(model.created_at).not.toBe(1745490000);
    expect((await readModel(t, admin, 'private-notes')).is_active).toBe(false);
    expect((await readModel(t, friend, 'team-reviewer')).id).toBe('team-reviewer');
  });

  it('imports a public model for a non-admin without its public grant, with a warning', async () => {
    const [writing] = fixture('openwebui-0.6-models-export.json');
    const res = await openWebUi(t, user.token)
      .importModels([{ ...writing, id: 'users-writing' }])
      .expect(200);
    expect(res.body.results).toEqual([
      { id: 'users-writing', status: 'created', warnings: [expect.stringMatching(/public grant/)] },
    ]);
    expect(await stored('users-writing')).toEqual([]);
  });

  it('skips an item whose access_control is not null or {read, write}, naming it; the others go on', async () => {
    const [, , notes] = fixture('openwebui-0.6-models-export.json');
    const res = await openWebUi(t, user.token)
      .importModels([
        { ...notes, id: 'bad-acl', access_control: 'public' },
        { ...notes, id: 'bad-ids', access_control: { read: { user_ids: 'everyone' } } },
        { ...notes, id: 'fine' },
      ])
      .expect(200);
    expect(res.body.results).toEqual([
      { id: 'bad-acl', status: 'skipped', reason: expect.stringMatching(/access_control must be null/) },
      { id: 'bad-ids', status: 'skipped', reason: expect.stringMatching(/access_control\.read\.user_ids/) },
      { id: 'fine', status: 'created' },
    ]);
  });
});

describe('Open WebUI 0.8+ export (access_grants)', () => {
  it('imports grants with their own ids and context, read+write pairs and unknown principals', async () => {
    const res = await openWebUi(t, admin.token).importModels(fixture('openwebui-0.8-models-export.json')).expect(200);
    expect(res.body.results).toEqual([
      { id: 'support-bot', status: 'created' },
      {
        id: 'finance-analyst',
        status: 'created',
        warnings: [expect.stringMatching(/no user with id "e1d2c3b4-a596-4877-8c9d-0e1f2a3b4c5d"/)],
      },
      { id: 'scratchpad', status: 'created' },
    ]);
    expect(await stored('support-bot')).toEqual([{ principal_type: 'user', principal_id: '*', permission: 'read' }]);
    expect(await stored('finance-analyst')).toEqual([
      { principal_type: 'group', principal_id: groupId, permission: 'write' },
      { principal_type: 'user', principal_id: friend.id, permission: 'read' },
    ]);
    const answered = (await readModel(t, admin, 'finance-analyst')).access_grants as Json[];
    expect(sortGrants(answered)).toEqual(
      sortGrants([
        { principal_type: 'group', principal_id: groupId, permission: 'read' },
        { principal_type: 'group', principal_id: groupId, permission: 'write' },
        { principal_type: 'user', principal_id: friend.id, permission: 'read' },
      ]),
    );
  });

  it('overwrites on a second import (updated), and a misspelt field still skips the item, named', async () => {
    const [bot] = fixture('openwebui-0.8-models-export.json');
    const res = await openWebUi(t, admin.token)
      .importModels([
        { ...bot, name: 'Support Bot 2' },
        { ...bot, id: 'typo', acess_grants: [] },
      ])
      .expect(200);
    expect(res.body.results).toEqual([
      { id: 'support-bot', status: 'updated' },
      { id: 'typo', status: 'skipped', reason: expect.stringMatching(/property acess_grants should not exist/) },
    ]);
    expect((await readModel(t, admin, 'support-bot')).name).toBe('Support Bot 2');
  });
});

describe('export → import changes nothing (inherited values stay inherited)', () => {
  it('a re-imported custom model still follows its base model', async () => {
    const ui = openWebUi(t, user.token);
    await ui.createNewModel({ id: 'round/trip', base_model_id: 'gpt-4o', name: 'Trip', meta: {}, params: {} });
    const exported = (await ui.exportModels(['round/trip']).expect(200)).body as Json[];
    expect(exported[0]).toMatchObject({ context_length: null, owned_by: null, supported_endpoint_types: null });
    expect((await ui.importModels(exported).expect(200)).body.results).toEqual([
      { id: 'round/trip', status: 'updated' },
    ]);
    await request(t.server)
      .post('/api/models/model/update')
      .set('authorization', `Bearer ${admin.token}`)
      .send({ id: 'gpt-4o', context_length: 200000 })
      .expect(200);
    expect((await readModel(t, user, 'round/trip')).context_length).toBe(200000);
  });
});

describe('body size: IMPORT_MAX_BYTES', () => {
  /** `count` models of about `each` bytes of meta. */
  const bulky = (count: number, each: number, prefix: string) =>
    Array.from({ length: count }, (_, i) => ({
      id: `${prefix}/${i}`,
      name: `${prefix} ${i}`,
      base_model_id: 'llama3.1:8b',
      meta: { description: 'x'.repeat(each) },
    }));

  it('accepts a file larger than the 1 MiB every other route takes', async () => {
    const models = bulky(30, 50_000, 'bulk');
    expect(Buffer.byteLength(JSON.stringify({ models }))).toBeGreaterThan(1024 * 1024);
    const res = await openWebUi(t, admin.token).importModels(models).expect(200);
    expect((res.body.results as Json[]).every((r) => r.status === 'created')).toBe(true);
  });

  it('refuses a body over IMPORT_MAX_BYTES with a 413 naming the limit, and imports nothing', async () => {
    const small = await startTestApp({ importMaxBytes: 1024 * 1024 });
    try {
      const owner = await signUp(small, 'Small Admin');
      await createBaseModel(small, owner, { id: 'llama3.1:8b' });
      const res = await openWebUi(small, owner.token).importModels(bulky(30, 50_000, 'big'));
      expectApiError(res, 413, /IMPORT_MAX_BYTES/);
      expect(await small.dataSource.query(`SELECT id FROM models WHERE id LIKE 'big/%'`)).toEqual([]);
      // Other routes keep their 1 MiB.
      const other = await request(small.server)
        .post('/api/models/create')
        .set('authorization', `Bearer ${owner.token}`)
        .send({ id: 'x', name: 'x', base_model_id: 'llama3.1:8b', params: { p: 'x'.repeat(1_100_000) } });
      expectApiError(other, 413);
    } finally {
      await small.close();
    }
  });
});
