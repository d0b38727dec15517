import request from 'supertest';
import { bearer, createGroup, createUser, signUp, type Actor } from './support/actors';
import {
  answerOf,
  cleanErrorProblem,
  errorMessage,
  rawRequest,
  snapshotTables,
  type Answer,
} from './support/hostile-http';
import {
  BAD_QUERY_TEXT,
  HUGE_PAGES,
  INJECTIONS,
  isString,
  validBodies,
  wrongValues,
  type HostileWorld,
} from './support/hostile-fixtures';
import { createBaseModel, createCustomModel, userGrant } from './support/model-fixtures';
import { fillPath, label, openApiOperations, type Operation } from './support/openapi-routes';
import { expressRoutes } from './support/served-routes';
import { startTestApp, type TestApp } from './support/test-app';

/** Path ids: users, groups and keys take UUIDs (this one exists nowhere); gateway ids are model ids. */
const DUMMY_UUID = '00000000-0000-4000-8000-000000000000';
const LONG = 'x'.repeat(10_000);

let t: TestApp;
let admin: Actor;
let ops: Operation[];
let bodies: ReturnType<typeof validBodies>;
let before: Record<string, unknown[]>;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signUp(t, 'Hostile Admin');
  const user = await createUser(t, admin, { name: 'Target User' });
  const groupId = await createGroup(t, admin, 'hostile targets', [user.id]);
  const w: HostileWorld = { baseId: 'acme/base', victimId: 'acme/victim', userId: user.id, groupId };
  await createBaseModel(t, admin, { id: w.baseId });
  await createCustomModel(t, admin, {
    id: w.victimId,
    base_model_id: w.baseId,
    params: { system: 'secret' },
    access_grants: [userGrant(user.id)],
  });
  bodies = validBodies(w);
  ops = await openApiOperations(t);
  before = await snapshotTables(t.dataSource);
});
afterAll(() => t?.close());

function pathOf(op: Operation, values: Record<string, string> = {}): string {
  const gateway = op.template.startsWith('/v1');
  return fillPath(op, { default: gateway ? 'acme/victim' : DUMMY_UUID, ...values });
}

/** Sends `body` (any JSON value) to the operation as the admin, with an optional raw query string. */
async function send(
  op: Operation,
  body: unknown,
  query = '',
  path = pathOf(op),
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = query ? `${path}?${query}` : path;
  const call = request(t.server)[op.method](url).set(bearer(admin.token)).set(headers);
  if (body === undefined) return answerOf(await call);
  return answerOf(await call.set('content-type', 'application/json').send(JSON.stringify(body)));
}

/**
 * /v1 documents every family's paging parameters, but each family reads only its own (and
 * ignores the others', as SDKs send extras): the headers that select the family reading `param`,
 * or null when no family on this path reads it. `key` is a credential.
 */
function familyHeaders(op: Operation, param: string): Record<string, string> | null {
  if (!op.template.startsWith('/v1')) return {};
  const gemini = op.template.startsWith('/v1beta');
  if (['limit', 'after_id', 'before_id'].includes(param)) return gemini ? null : { 'anthropic-version': '2023-06-01' };
  if (['pageSize', 'pageToken'].includes(param)) return gemini ? {} : null;
  return null;
}

const bodyOps = () => ops.filter((op) => op.bodySchema !== null);
const queryOps = () => ops.filter((op) => op.queryParams.length > 0);

/** Collects what went wrong across routes, so one failure lists every offending route. */
function problems() {
  const found: string[] = [];
  return {
    found,
    /** A clean 4xx whose message, when `names` is given, mentions it. */
    check(what: string, path: string, answer: Answer, names?: string, status?: number[]) {
      const problem = cleanErrorProblem(path, answer);
      if (problem) return void found.push(`${what}: ${problem}`);
      if (status && !status.includes(answer.status)) return void found.push(`${what}: status ${answer.status}`);
      const message = errorMessage(path, answer.body as Record<string, unknown>) ?? '';
      if (names && !message.toLowerCase().includes(names.toLowerCase()))
        found.push(`${what}: message does not name ${names}: ${message.slice(0, 160)}`);
    },
  };
}

describe('hostile input on every route', () => {
  it('walks every documented route, and every route the app serves is documented', () => {
    const served = expressRoutes(t).map((r) => `${r.method} ${r.path.replace(/[:*](\w+)/g, '{$1}')}`);
    const documented = new Set(ops.map((op) => `${op.method} ${op.template}`));
    expect(served.filter((route) => !route.startsWith('get /docs') && !documented.has(route))).toEqual([]);
    expect(ops.length).toBeGreaterThanOrEqual(30);
  });

  it('has a valid body fixture for every request schema, with every documented field', () => {
    const missing = bodyOps().flatMap((op) => {
      const body = bodies[op.bodySchema!];
      if (!body) return [`${label(op)}: no fixture for ${op.bodySchema}`];
      return op.bodyProperties.filter((p) => !(p in body)).map((p) => `${op.bodySchema}.${p}`);
    });
    expect(missing).toEqual([]);
  });

  it('answers malformed JSON with 400 "Malformed JSON" on every route', async () => {
    const p = problems();
    for (const op of ops) {
      for (const text of ['{"name": ', "{'id': 1}", '{"a":1}}', 'nul', '\u00ef\u00bb\u00bf{}']) {
        const answer = await rawRequest(
          t,
          op.method,
          pathOf(op),
          { 'content-type': 'application/json' },
          Buffer.from(text),
        );
        p.check(`${label(op)} ${JSON.stringify(text)}`, pathOf(op), answer, 'malformed json', [400]);
      }
    }
    expect(p.found).toEqual([]);
  });

  it('answers a body over 1 MiB with 413 on every route (the import: over IMPORT_MAX_BYTES)', async () => {
    const p = problems();
    const body = (bytes: number) => Buffer.from(JSON.stringify({ name: 'x'.repeat(bytes + 10) }));
    const big = body(1024 * 1024);
    for (const op of ops) {
      // Open WebUI posts whole export files to the import route: it alone takes IMPORT_MAX_BYTES.
      const payload = pathOf(op).endsWith('/models/import') ? body(t.config.importMaxBytes) : big;
      const answer = await rawRequest(t, op.method, pathOf(op), { 'content-type': 'application/json' }, payload);
      p.check(label(op), pathOf(op), answer, undefined, [413]);
    }
    expect(p.found).toEqual([]);
  });

  it('refuses a body of invalid UTF-8 bytes with 400 on every route', async () => {
    const p = problems();
    const bytes = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]);
    for (const op of ops) {
      const answer = await rawRequest(t, op.method, pathOf(op), { 'content-type': 'application/json' }, bytes);
      p.check(label(op), pathOf(op), answer, 'UTF-8', [400]);
    }
    expect(p.found).toEqual([]);
  });

  it('refuses arrays, strings, numbers and null where a body object is expected', async () => {
    const p = problems();
    for (const op of bodyOps()) {
      for (const body of [[bodies[op.bodySchema!]], 'text', 42, null, true]) {
        p.check(
          `${label(op)} ${JSON.stringify(body).slice(0, 40)}`,
          op.template,
          await send(op, body),
          undefined,
          [400],
        );
      }
    }
    expect(p.found).toEqual([]);
  });

  it('refuses a body without a required field, naming it', async () => {
    const p = problems();
    for (const op of bodyOps()) {
      for (const field of op.requiredProperties) {
        const { [field]: _omitted, ...rest } = bodies[op.bodySchema!];
        p.check(`${label(op)} without ${field}`, op.template, await send(op, rest), field, [400]);
      }
    }
    expect(p.found).toEqual([]);
  });

  it('refuses a value of the wrong type in every body field, naming the field', async () => {
    const p = problems();
    for (const op of bodyOps()) {
      const valid = bodies[op.bodySchema!];
      for (const field of op.bodyProperties) {
        for (const wrong of wrongValues(valid[field])) {
          const answer = await send(op, { ...valid, [field]: wrong });
          p.check(`${label(op)} ${field}=${JSON.stringify(wrong)}`, op.template, answer, field, [400]);
        }
      }
    }
    expect(p.found).toEqual([]);
  });

  it('refuses over-long strings, NUL bytes and unpaired surrogates in every string field, naming it', async () => {
    const p = problems();
    for (const op of bodyOps()) {
      const valid = bodies[op.bodySchema!];
      for (const field of op.bodyProperties.filter((f) => isString(valid[f]))) {
        const text = valid[field] as string;
        for (const bad of ['x'.repeat(100_000), `${text}\u0000`, `\u0000${text}`, `${text}\ud800`, `\udfff${text}`]) {
          const answer = await send(op, { ...valid, [field]: bad });
          p.check(`${label(op)} ${field}=${JSON.stringify(bad).slice(0, 30)}`, op.template, answer, field, [400]);
        }
      }
    }
    expect(p.found).toEqual([]);
  });

  it('refuses NUL bytes and unpaired surrogates nested inside bodies and in keys', async () => {
    const p = problems();
    const create = ops.find((op) => op.template === '/api/models/create')!;
    const valid = bodies.CreateModelDto;
    const attacks = [
      { ...valid, params: { system: 'a\u0000b' } },
      { ...valid, meta: { tags: ['ok', 'bad\ud800'] } },
      { ...valid, meta: { 'key\u0000': 1 } },
      { ...valid, access_grants: [{ principal_type: 'user', principal_id: '\u0000', permission: 'read' }] },
    ];
    for (const body of attacks)
      p.check(JSON.stringify(body).slice(-60), create.template, await send(create, body), undefined, [400]);
    expect(p.found).toEqual([]);
  });

  it('refuses bodies nested deeper than any real one, instead of overflowing the stack', async () => {
    const p = problems();
    const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    for (const op of ops) {
      const answer = await rawRequest(
        t,
        op.method,
        pathOf(op),
        { 'content-type': 'application/json' },
        Buffer.from(`{"params":${deep(50_000)}}`),
      );
      p.check(label(op), pathOf(op), answer, 'nested', [400]);
    }
    expect(p.found).toEqual([]);
  });
});

describe('hostile query strings and paths on every route', () => {
  it('refuses a 10,000-character value in every query parameter, naming it', async () => {
    const p = problems();
    for (const op of queryOps()) {
      for (const param of op.queryParams.filter((name) => familyHeaders(op, name) !== null)) {
        const answer = await send(op, undefined, `${param}=${LONG}`, pathOf(op), familyHeaders(op, param)!);
        p.check(`${label(op)} ${param}`, op.template, answer, param, [400]);
      }
    }
    expect(p.found).toEqual([]);
  });

  it('answers a 10,000-character unknown query parameter on every route without a server error', async () => {
    const p = problems();
    // A route that takes no input at all would simply run: delete/all would empty the registry
    // the last check compares (its own tests: openwebui-models.e2e.spec.ts).
    for (const op of ops.filter((o) => label(o) !== 'DELETE /api/v1/models/delete/all')) {
      const answer = await send(op, op.bodySchema ? {} : undefined, `zz=${LONG.slice(5000)}&${LONG.slice(5000)}=1`);
      if (answer.status >= 400 || answer.status < 200) p.check(label(op), pathOf(op), answer);
    }
    expect(p.found).toEqual([]);
  });

  it('refuses NUL bytes and invalid UTF-8 in any query parameter of every route, naming it', async () => {
    const p = problems();
    for (const op of ops) {
      for (const param of [...op.queryParams, 'zz']) {
        for (const bad of BAD_QUERY_TEXT) {
          const answer = await send(op, undefined, `${param}=${bad}`);
          p.check(`${label(op)} ${param}=${bad}`, pathOf(op), answer, `query parameter "${param}"`, [400]);
        }
      }
    }
    expect(p.found).toEqual([]);
  });

  it('refuses bad path parameters: not ids, NUL bytes, invalid UTF-8, 10,000 characters', async () => {
    const p = problems();
    for (const op of ops.filter((o) => o.pathParams.length > 0)) {
      const long = 'x'.repeat(10_000 / op.pathParams.length);
      for (const bad of ['not-a-uuid', '%00', 'a%00b', '%FF%FE', '%ED%A0%80', long, "'%20OR%201=1%20--"]) {
        const path = pathOf(op, { default: bad });
        p.check(`${label(op)} ${bad.slice(0, 20)}`, path, await send(op, op.bodySchema ? {} : undefined, '', path));
      }
    }
    expect(p.found).toEqual([]);
  });

  it('treats SQL and LIKE metacharacters in every query parameter as text: never a server error', async () => {
    const p = problems();
    for (const op of queryOps()) {
      for (const param of op.queryParams) {
        for (const text of INJECTIONS) {
          const answer = await send(op, undefined, `${param}=${encodeURIComponent(text)}`);
          if (answer.status >= 300) p.check(`${label(op)} ${param}=${text}`, pathOf(op), answer, undefined);
        }
      }
    }
    expect(p.found).toEqual([]);
  });

  it('refuses page numbers no list has (1e20, 99999999999, fractions, NaN) naming the parameter', async () => {
    const p = problems();
    const paged = [
      { path: '/api/models/list', param: 'page' },
      { path: '/api/users', param: 'page' },
      { path: '/api/users/search', param: 'page' },
      { path: '/v1/models', param: 'limit', headers: { 'anthropic-version': '2023-06-01' } },
      { path: '/v1beta/models', param: 'pageSize' },
    ];
    for (const { path, param, headers } of paged) {
      for (const page of HUGE_PAGES) {
        const res = await request(t.server)
          .get(`${path}?${param}=${encodeURIComponent(page)}`)
          .set(bearer(admin.token))
          .set(headers ?? {});
        p.check(`${path} ${param}=${page}`, path, answerOf(res), param, [400]);
      }
    }
    expect(p.found).toEqual([]);
  });
});

describe('after every attack above', () => {
  it('has stored nothing: users, groups, members, models, grants and keys are unchanged', async () => {
    expect(await snapshotTables(t.dataSource)).toEqual(before);
  });
});
