import request from 'supertest';
import { bearer, type Actor } from './support/actors';
import { CALLERS, canRead, DENIED, type Caller } from './support/matrix-callers';
import { buildWorld, canon, expectApiError, makeTarget, readModel, type World } from './support/model-fixtures';
import { startTestApp } from './support/test-app';

/** Clone, transfer and bulk changes for every kind of caller (docs/access.md), as the models matrix does for the rest. */
let worlds: Record<Caller['world'], World>;
beforeAll(async () => {
  const [bypass, noBypass] = [await startTestApp(), await startTestApp({ bypassAdminAccessControl: false })];
  worlds = { bypass: await buildWorld(bypass), noBypass: await buildWorld(noBypass) };
});
afterAll(async () => {
  await worlds?.bypass.t.close();
  await worlds?.noBypass.t.close();
});

const post = (w: World, actor: Actor | null, path: string, body: object) =>
  request(w.t.server)
    .post(path)
    .set(actor ? bearer(actor.token) : {})
    .send(body);

async function target(c: Caller, route: string, index: number): Promise<{ w: World; id: string; before: unknown }> {
  const w = worlds[c.world];
  const id = `lifecycle/${route}:${index}`;
  return { w, id, before: canon(await makeTarget(w, id, c.target)) };
}

const title = (c: Caller, outcome: string) => `${c.name} ${DENIED[c.access] ? `gets ${DENIED[c.access]}` : outcome}`;

it.each(CALLERS.map((c, i) => [title(c, canRead(c) ? 'gets a private copy' : 'gets 404'), c, i] as const))(
  'clone: %s',
  async (_title, c, i) => {
    const { w, id, before } = await target(c, 'clone', i);
    const actor = c.actor(w);
    const res = await post(w, actor, '/api/models/model/clone', { id, new_id: `${id}-copy` });
    expect(canon(await readModel(w.t, w.owner, id))).toEqual(before);
    if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
    if (!canRead(c)) return expectApiError(res, 404);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ user_id: actor!.id, access_grants: [], write_access: true });
    expect(res.body.params).toEqual(c.access === 'write' ? { system: 'secret prompt', temperature: 0.2 } : {});
  },
);

/** Only the owner and an admin who can write the model may give it away. */
const mayTransfer = (c: Caller, w: World) => c.access === 'write' && (c.admin || c.actor(w)?.id === w.owner.id);

it.each(CALLERS.map((c, i) => [title(c, 'transfers only as owner or admin (else 403, or 404 unread)'), c, i] as const))(
  'transfer: %s',
  async (_title, c, i) => {
    const { w, id, before } = await target(c, 'transfer', i);
    const res = await post(w, c.actor(w), '/api/models/model/transfer', { id, user_id: w.stranger.id });
    if (mayTransfer(c, w)) {
      expect(res.status).toBe(200);
      return expect(res.body.user_id).toBe(w.stranger.id);
    }
    expect(canon(await readModel(w.t, w.owner, id))).toEqual(before);
    if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
    expectApiError(res, canRead(c) ? 403 : 404);
  },
);

it.each(CALLERS.map((c, i) => [title(c, 'changes what it can write, skips the rest'), c, i] as const))(
  'bulk hide: %s',
  async (_title, c, i) => {
    const { w, id, before } = await target(c, 'bulk', i);
    const res = await post(w, c.actor(w), '/api/models/bulk', { filter: { ids: [id] }, action: 'hide' });
    if (DENIED[c.access]) return expectApiError(res, DENIED[c.access]!);
    expect(res.status).toBe(200);
    const reason = c.access === 'read' ? 'read only' : 'not found';
    expect(res.body).toEqual({
      matched: canRead(c) ? 1 : 0,
      results: [c.access === 'write' ? { id, status: 'changed' } : { id, status: 'skipped', reason }],
    });
    if (c.access !== 'write') expect(canon(await readModel(w.t, w.owner, id))).toEqual(before);
  },
);
