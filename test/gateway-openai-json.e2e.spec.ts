import request from 'supertest';
import { QueryFailedError } from 'typeorm';
import { callerOf } from '../src/access/caller';
import { queryRows, toStatement } from '../src/common/sql';
import { ReadRouter } from '../src/database/read-router';
import { openAiListJson, openAiListJsonSql, toOpenAiList } from '../src/gateway/openai.format';
import { listableSql, type ModelSummaryRow } from '../src/models/model-read.sql';
import { Actor, bearer, createUser, signUp } from './support/actors';
import { createBaseModel, createCustomModel, publicGrant } from './support/model-fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * OpenAI's /v1/models list is written by PostgreSQL (openAiListJsonSql) and sent as it is: it must
 * be the very bytes JSON.stringify(toOpenAiList(rows)) gives for the same rows, on text that needs
 * escaping, inherited fields, absent optional fields and pricing, for a caller with models and one
 * without.
 */
describe('OpenAI model list as JSON text built by PostgreSQL', () => {
  let t: TestApp;
  let admin: Actor;
  let bob: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signUp(t, 'Admin');
    bob = await createUser(t, admin, { name: 'Bob' });
    const pricing = { input_per_million: 0.15, output_per_million: 2.5, per_request: null, currency: 'EUR' };
    await createBaseModel(t, admin, {
      id: 'openai/gpt-4o',
      name: 'GPT "4o" \\ mini ☃ 😀',
      pricing,
      context_length: 128000,
    });
    await createBaseModel(t, admin, { id: 'plain', context_length: null });
    await createBaseModel(t, admin, {
      id: 'модель/日本-ü',
      name: 'Ünïcödé\u2028line',
      supported_endpoint_types: ['chat', 'embedding'],
    });
    await createCustomModel(t, admin, {
      id: 'custom/inherits',
      base_model_id: 'openai/gpt-4o',
      access_grants: [publicGrant()],
    });
    await createCustomModel(t, admin, {
      id: 'custom:own.values_1',
      base_model_id: 'plain',
      owned_by: 'me',
      pricing: { input_per_million: 1000000, output_per_million: 0, per_request: 0.002, currency: 'USD' },
      context_length: 4096,
      access_grants: [publicGrant()],
    });
    await createCustomModel(t, admin, { id: 'custom/private', base_model_id: 'plain', access_grants: [] });
    // What only a direct write can store: control characters in a name, no owner, pricing of another shape.
    await t.dataSource.query(`UPDATE models SET name = $1, owned_by = NULL WHERE id = 'plain'`, [
      'tab\there\nnew\u0001line\u001f"\\/',
    ]);
    await t.dataSource.query(`UPDATE models SET pricing = $1::jsonb WHERE id = 'custom/private'`, [
      JSON.stringify({ currency: 'USD', note: 'a "b"\n', n: 12.5, ok: true, none: null }),
    ]);
  });
  afterAll(() => t?.close());

  async function expectSameBytes(actor: Actor): Promise<void> {
    const res = await request(t.server).get('/v1/models').set(bearer(actor.token));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const user = { id: actor.id, name: actor.name, role: actor.role, groupIds: [], apiKey: null } as never;
    const caller = callerOf(user, { bypassAdminAccessControl: true });
    const rows = await queryRows<ModelSummaryRow>(t.dataSource, listableSql(caller, { order: 'id' }));
    const expected = JSON.stringify(toOpenAiList(rows));
    expect(res.text).toBe(expected);
    // Sent from a buffer (RawJson): the same headers as a text answer.
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const plain = await request(t.server)
      .get('/v1/models')
      .set({ ...bearer(actor.token), 'Accept-Encoding': 'identity' });
    expect(plain.text).toBe(expected);
    expect(plain.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
    const head = await request(t.server)
      .head('/v1/models')
      .set({ ...bearer(actor.token), 'Accept-Encoding': 'identity' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
    expect(head.headers.etag).toBe(plain.headers.etag);
  }

  it('answers the bytes JSON.stringify gives for the same rows, for the admin (all) and a user (public only)', async () => {
    await expectSameBytes(admin);
    await expectSameBytes(bob);
    const res = await request(t.server).get('/v1/models').set(bearer(admin.token));
    expect((res.body.data as Array<{ id: string }>).map((m) => m.id)).toEqual([
      'custom/inherits',
      'custom/private',
      'custom:own.values_1',
      'openai/gpt-4o',
      'plain',
      'модель/日本-ü',
    ]);
  });

  it('writes an empty list alike', async () => {
    const caller = callerOf({ id: bob.id, name: 'Bob', role: 'user', groupIds: [], apiKey: null } as never, {
      bypassAdminAccessControl: true,
    });
    const none = { ...caller, keyModels: ['absent'] };
    const rows = await queryRows<{ body: string }>(t.dataSource, openAiListJsonSql(listableSql(none, { order: 'id' })));
    expect(rows).toEqual([]);
    expect(openAiListJson([]).bytes.toString('utf8')).toBe(JSON.stringify(toOpenAiList([])));
  });

  it('joins pieces of any size into the same bytes (the list comes in pieces, never as one string)', async () => {
    const caller = callerOf({ id: admin.id, name: 'Admin', role: 'admin', groupIds: [], apiKey: null } as never, {
      bypassAdminAccessControl: true,
    });
    const rows = await queryRows<ModelSummaryRow>(t.dataSource, listableSql(caller, { order: 'id' }));
    const expected = JSON.stringify(toOpenAiList(rows));
    for (const perPiece of [1, 2, 4, rows.length, 1000]) {
      const pieces = await queryRows<{ body: string }>(
        t.dataSource,
        openAiListJsonSql(listableSql(caller, { order: 'id' }), perPiece),
      );
      expect(pieces).toHaveLength(Math.ceil(rows.length / perPiece));
      expect(openAiListJson(pieces.map((piece) => piece.body)).bytes.toString('utf8')).toBe(expected);
    }
  });

  it('reads the pieces through the read router as the UTF-8 bytes of their texts, in order', async () => {
    const caller = callerOf({ id: admin.id, name: 'Admin', role: 'admin', groupIds: [], apiKey: null } as never, {
      bypassAdminAccessControl: true,
    });
    const statement = openAiListJsonSql(listableSql(caller, { order: 'id' }), 1);
    const texts = await queryRows<{ body: string }>(t.dataSource, statement);
    const { text, values } = toStatement(statement);
    const bytes = await t.app.get(ReadRouter).readTexts(text, values);
    expect(bytes.every((piece) => Buffer.isBuffer(piece))).toBe(true);
    expect(bytes.map((piece) => piece.toString('utf8'))).toEqual(texts.map((row) => row.body));
    // Non-ASCII text: its bytes are more than its UTF-16 length.
    expect(texts.some((row) => Buffer.byteLength(row.body) > row.body.length)).toBe(true);
  });

  it('fails a read of texts as DataSource.query would, and gives its connection back each time', async () => {
    const router = t.app.get(ReadRouter);
    // More failures than the pool (10) has connections: a connection kept after one would hang the last read.
    for (let i = 0; i < 12; i += 1) {
      const failure = await router.readTexts('SELECT (1 / $1::int)::text', [0]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(QueryFailedError);
      expect((failure as QueryFailedError<Error & { code?: string }>).driverError.code).toBe('22012');
    }
    await expect(router.readTexts('SELECT NULL::text UNION ALL SELECT $1::text', ['a'])).rejects.toThrow(
      'a row without text',
    );
    expect((await router.readTexts("SELECT 'ü' || $1::text", ['☃'])).map(String)).toEqual(['ü☃']);
  });

  it('differs only in spacing and number notation where docs/gateway.md says: the same values', async () => {
    // Numbers in pricing as PostgreSQL keeps them (no exponent); a nested value (only a direct
    // write can store one) with PostgreSQL's spacing.
    const pricing = { input_per_million: 1e-7, output_per_million: 1e21, per_request: null, currency: 'USD' };
    const nested = { currency: 'USD', nested: { a: [1, 'x'] } };
    await t.dataSource.query(`UPDATE models SET pricing = $1::jsonb WHERE id = 'custom/private'`, [
      JSON.stringify(pricing),
    ]);
    await t.dataSource.query(`UPDATE models SET pricing = $1::jsonb WHERE id = 'plain'`, [JSON.stringify(nested)]);
    const res = await request(t.server).get('/v1/models').set(bearer(admin.token));
    expect(res.text).toContain(
      '"pricing":{"currency":"USD","per_request":null,"input_per_million":0.0000001,"output_per_million":1000000000000000000000}',
    );
    expect(res.text).toContain('"pricing":{"nested":{"a": [1, "x"]},"currency":"USD"}');
    const pricings = new Map((res.body.data as Array<{ id: string; pricing: unknown }>).map((m) => [m.id, m.pricing]));
    expect(pricings.get('custom/private')).toEqual(pricing);
    expect(pricings.get('plain')).toEqual(nested);
  });

  it('answers a cached answer and a revalidation with the same bytes and tag', async () => {
    const first = await request(t.server).get('/v1/models').set(bearer(admin.token));
    const again = await request(t.server).get('/v1/models').set(bearer(admin.token));
    expect(again.text).toBe(first.text);
    expect(again.headers.etag).toBe(first.headers.etag);
    const revalidated = await request(t.server)
      .get('/v1/models')
      .set({ ...bearer(admin.token), 'If-None-Match': first.headers.etag });
    expect(revalidated.status).toBe(304);
  });
});
