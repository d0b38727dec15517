import { QueryFailedError } from 'typeorm';
import { ReadRouter } from '../src/database/read-router';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Without replicas, the router runs reads on a pooled primary connection itself instead of through
 * DataSource.query (a QueryRunner per statement): the answers and failures must be DataSource.query's.
 */
describe('reads on the primary', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const STATEMENTS: Array<[string, unknown[]]> = [
    ['SELECT $1::int AS n, $2::text[] AS texts, 2::bigint AS big, NULL::jsonb AS nothing', [7, ['a', 'ü']]],
    ['SELECT g AS n FROM generate_series(1, $1::int) g', [3]],
    ['SELECT 1 WHERE false', []],
    ['UPDATE users SET name = name WHERE email = $1 RETURNING id', ['nobody@example.test']],
    ['DELETE FROM users WHERE email = $1', ['nobody@example.test']],
  ];

  it.each(STATEMENTS)('answers %s as DataSource.query does', async (text, values) => {
    const reads = t.app.get(ReadRouter).reads();
    expect(reads).not.toBe(t.dataSource);
    expect(await reads.query(text, values)).toEqual(await t.dataSource.query(text, values));
  });

  it('fails as DataSource.query does, and gives its connection back each time', async () => {
    const reads = t.app.get(ReadRouter).reads();
    // More failures than the pool (10) has connections: a connection kept after one would hang the last read.
    for (let i = 0; i < 12; i += 1) {
      const failure = await reads.query('SELECT 1 / $1::int', [0]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(QueryFailedError);
      expect((failure as QueryFailedError<Error & { code?: string }>).driverError.code).toBe('22012');
      expect((failure as QueryFailedError).query).toBe('SELECT 1 / $1::int');
    }
    expect(await reads.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
