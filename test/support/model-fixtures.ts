import request from 'supertest';
import type { Response } from 'supertest';
import { Actor, bearer, createGroup, createUser, type HttpTarget, signUp } from './actors';
import type { TestApp } from './test-app';

export type Permission = 'read' | 'write';
export interface Grant {
  principal_type: 'user' | 'group';
  principal_id: string;
  permission: Permission;
}

export const userGrant = (principal_id: string, permission: Permission = 'read'): Grant => ({
  principal_type: 'user',
  principal_id,
  permission,
});
export const groupGrant = (principal_id: string, permission: Permission = 'read'): Grant => ({
  principal_type: 'group',
  principal_id,
  permission,
});
export const publicGrant = (permission: Permission = 'read'): Grant => userGrant('*', permission);

/** The fields of a list item and of every single-model answer (§3.1). */
export const MODEL_FIELDS = [
  'id',
  'user_id',
  'base_model_id',
  'name',
  'params',
  'meta',
  'access_grants',
  'is_active',
  'write_access',
  'user',
  'created_at',
  'updated_at',
  'owned_by',
  'supported_endpoint_types',
  'pricing',
  'context_length',
  'max_output_tokens',
  'version',
].sort();

/** An untyped JSON answer, as supertest hands it over. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type ModelBody = Record<string, unknown> & { id: string };

/**
 * A grant set as answers show it: one per principal, the strongest kept, a `write` grant listed
 * as `read` and `write` (Open WebUI's shape), in a stable order.
 */
export function normaliseGrants(grants: Grant[]): Grant[] {
  return answeredGrants(storedGrantsOf(grants));
}

/** A grant set as the server stores it: one per principal, the strongest kept, in a stable order. */
export function storedGrantsOf(grants: Grant[]): Grant[] {
  const strongest = new Map<string, Grant>();
  for (const grant of grants) {
    const key = `${grant.principal_type}:${grant.principal_id}`;
    const seen = strongest.get(key);
    if (!seen || grant.permission === 'write') strongest.set(key, { ...grant });
  }
  return sortGrants([...strongest.values()]);
}

/** The grants an answer lists for these stored grants: a `write` grant as `read` and `write`. */
export function answeredGrants(grants: Grant[]): Grant[] {
  return sortGrants(
    grants.flatMap((g) => (g.permission === 'write' ? [{ ...g, permission: 'read' as const }, g] : [g])),
  );
}

export function sortGrants(grants: Grant[]): Grant[] {
  const key = (g: Grant) => `${g.principal_type}\u0000${g.principal_id}\u0000${g.permission}`;
  return [...grants].map((g) => ({ ...g })).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The owner summary a model answer carries. */
export function ownerSummary(user: Actor & { username?: string | null }) {
  return { id: user.id, name: user.name, email: user.email, username: user.username ?? null, role: user.role };
}

/** The §5 error body with the given status; `field` must appear in `detail` when given. */
export function expectApiError(res: Response, status: number, field?: string | RegExp): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { statusCode: status, error: expect.any(String), message: expect.any(String), detail: expect.any(String) },
  });
  if (field !== undefined) expect(res.body.detail).toMatch(field);
}

function auth(actor: Actor | null): Record<string, string> {
  return actor ? bearer(actor.token) : {};
}

/** Every model route of §3, called as `actor` (null = anonymous); answers the raw supertest response. */
export function modelApi(t: HttpTarget, actor: Actor | null, prefix = '/api') {
  const get = (path: string, query: Record<string, unknown> = {}) =>
    request(t.server).get(`${prefix}${path}`).query(query).set(auth(actor));
  const post = (path: string, body?: object, query: Record<string, unknown> = {}) => {
    const req = request(t.server).post(`${prefix}${path}`).query(query).set(auth(actor));
    return body === undefined ? req : req.send(body);
  };
  return {
    list: (query: Record<string, string | number | undefined> = {}) => get('/models/list', query),
    tags: () => get('/models/tags'),
    base: () => get('/models/base'),
    create: (body: object) => post('/models/create', body),
    get: (id?: string) => get('/models/model', id === undefined ? {} : { id }),
    update: (body: object) => post('/models/model/update', body),
    setAccess: (id: string, access_grants: Grant[]) => post('/models/model/access/update', { id, access_grants }),
    toggle: (id?: string, version?: number) =>
      post('/models/model/toggle', undefined, id === undefined ? {} : version === undefined ? { id } : { id, version }),
    history: (id: string, page?: number) => get('/models/model/history', page === undefined ? { id } : { id, page }),
    restore: (id: string, version: number) => post('/models/model/restore', { id, version }),
    remove: (id: string) => post('/models/model/delete', { id }),
    exportAll: () => get('/models/export'),
    importModels: (models: object[]) => post('/models/import', { models }),
    image: (id: string) => get('/models/model/profile/image', { id }),
  };
}

export type ModelApi = ReturnType<typeof modelApi>;

function expectStatus(res: Response, status: number, what: string): void {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

/** A base model registered by an admin; readable by every user unless `access_grants` says otherwise. */
export async function createBaseModel(t: HttpTarget, admin: Actor, body: ModelBody): Promise<Json> {
  const res = await modelApi(t, admin).create({
    name: body.id,
    owned_by: 'test-provider',
    access_grants: [publicGrant()],
    ...body,
  });
  expectStatus(res, 201, `creating base model ${body.id}`);
  return res.body;
}

/** A custom model on `base_model_id`, created by `actor`; answers the created model. */
export async function createCustomModel(t: HttpTarget, actor: Actor, body: ModelBody): Promise<Json> {
  const res = await modelApi(t, actor).create({ name: body.id, ...body });
  expectStatus(res, 201, `creating model ${body.id}`);
  return res.body;
}

/** The model as `actor` reads it; throws unless 200. */
export async function readModel(t: HttpTarget, actor: Actor, id: string): Promise<Json> {
  const res = await modelApi(t, actor).get(id);
  expectStatus(res, 200, `reading model ${id}`);
  return res.body;
}

export async function setGrants(t: HttpTarget, actor: Actor, id: string, grants: Grant[]): Promise<Json> {
  const res = await modelApi(t, actor).setAccess(id, grants);
  expectStatus(res, 200, `setting grants of ${id}`);
  return res.body;
}

export interface WalkedList {
  items: Json[];
  ids: string[];
  /** `total` of each page, in order. */
  totals: number[];
  /** Item count of each page, in order. */
  pageSizes: number[];
}

/** Walks /api/models/list page by page until `total` items are collected (or a page comes back empty). */
export async function listAll(
  t: HttpTarget,
  actor: Actor,
  query: Record<string, string | undefined> = {},
  maxPages = 20,
): Promise<WalkedList> {
  const walked: WalkedList = { items: [], ids: [], totals: [], pageSizes: [] };
  for (let page = 1; page <= maxPages; page += 1) {
    const res = await modelApi(t, actor).list({ ...query, page });
    expectStatus(res, 200, `list ${JSON.stringify(query)} page ${page}`);
    const items = res.body.items as Json[];
    walked.items.push(...items);
    walked.ids.push(...items.map((item) => item.id as string));
    walked.totals.push(res.body.total as number);
    walked.pageSizes.push(items.length);
    if (items.length === 0 || walked.items.length >= (res.body.total as number)) break;
  }
  return walked;
}

/** Runs `work` over `inputs` with at most `limit` in flight. */
export async function inPool<T>(inputs: T[], limit: number, work: (input: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, inputs.length) }, async () => {
    while (next < inputs.length) {
      const input = inputs[next];
      next += 1;
      await work(input);
    }
  });
  await Promise.all(runners);
}

/**
 * Sets models' created_at and updated_at (unix seconds; updated_at defaults to created_at) in
 * SQL, so tests get ties and distinct times without waiting for the clock.
 */
export async function setModelTimes(
  t: TestApp,
  times: Array<{ id: string; createdAt: number; updatedAt?: number }>,
): Promise<void> {
  await t.dataSource.query(
    `UPDATE models SET created_at = v.created_at, updated_at = v.updated_at
     FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS v(id, created_at, updated_at)
     WHERE models.id = v.id`,
    [times.map((m) => m.id), times.map((m) => m.createdAt), times.map((m) => m.updatedAt ?? m.createdAt)],
  );
}

/** A 1×1 transparent PNG. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Everyone the access tests call as, on one app instance. */
export interface World {
  t: TestApp;
  admin: Actor;
  owner: Actor;
  reader: Actor;
  writer: Actor;
  groupReader: Actor;
  groupWriter: Actor;
  publicUser: Actor;
  stranger: Actor;
  pending: Actor;
  readGroupId: string;
  writeGroupId: string;
  baseId: string;
}

export const MATRIX_BASE_ID = 'provider/matrix-base:1.0';

export async function buildWorld(t: TestApp): Promise<World> {
  const admin = await signUp(t, 'Matrix Admin');
  const user = (name: string) => createUser(t, admin, { name });
  const owner = await user('Owner');
  const reader = await user('Reader');
  const writer = await user('Writer');
  const groupReader = await user('Group Reader');
  const groupWriter = await user('Group Writer');
  const publicUser = await user('Public User');
  const stranger = await user('Stranger');
  const pending = await createUser(t, admin, { role: 'pending', name: 'Pending' });
  const readGroupId = await createGroup(t, admin, 'matrix readers', [groupReader.id]);
  const writeGroupId = await createGroup(t, admin, 'matrix writers', [groupWriter.id]);
  await createBaseModel(t, admin, { id: MATRIX_BASE_ID });
  const w = { t, admin, owner, reader, writer, groupReader, groupWriter, publicUser, stranger, pending };
  return { ...w, readGroupId, writeGroupId, baseId: MATRIX_BASE_ID };
}

export const privateGrants = (w: World): Grant[] => [
  userGrant(w.reader.id, 'read'),
  userGrant(w.writer.id, 'write'),
  groupGrant(w.readGroupId, 'read'),
  groupGrant(w.writeGroupId, 'write'),
];

export const tagOf = (id: string) => 'tag-' + id.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** A model of `owner` shared per `privateGrants`, or (public) readable by every user through `user:*`. */
export async function makeTarget(w: World, id: string, kind: 'private' | 'public'): Promise<Json> {
  await createCustomModel(w.t, w.owner, {
    id,
    base_model_id: w.baseId,
    name: `Target ${id}`,
    params: { system: 'secret prompt', temperature: 0.2 },
    meta: { description: 'matrix target', tags: [tagOf(id)] },
    access_grants: kind === 'private' ? privateGrants(w) : [],
  });
  if (kind === 'public') await setGrants(w.t, w.admin, id, [publicGrant('read')]);
  return readModel(w.t, w.owner, id);
}

/** Grant order is not part of the contract. */
export const canon = (model: Json) => ({ ...model, access_grants: sortGrants(model.access_grants ?? []) });
export const readerView = (model: Json) => ({ ...model, params: {}, access_grants: [], write_access: false });
