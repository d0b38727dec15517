import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { dataSourceOptions, POOL_KEPT_WARM } from '../src/database/data-source-options';
import { createTestDatabase } from './support/test-database';

/** The pg pool under TypeORM's postgres driver. */
const poolOf = (dataSource: DataSource) => (dataSource.driver as unknown as { master: Pool }).master;

describe('the database pool keeps connections open through a pause', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    const options = dataSourceOptions(database.url, 10);
    // The service's options with the idle timeout shortened from pg's 10 s, so the test waits 0.5 s.
    const extra = { ...(options.extra as Record<string, unknown>), idleTimeoutMillis: 100 };
    dataSource = await new DataSource({ ...options, extra }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it(`closes idle connections down to ${POOL_KEPT_WARM}, not to none`, async () => {
    // Four connections checked out at once, then all released together: a statement that ends
    // early cannot leave its connection idle past the timeout while a slow connect is pending.
    const pool = poolOf(dataSource);
    const clients = await Promise.all([1, 2, 3, 4].map(() => pool.connect()));
    expect(pool.totalCount).toBe(4);
    for (const client of clients) client.release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(poolOf(dataSource).totalCount).toBe(POOL_KEPT_WARM);
    expect(POOL_KEPT_WARM).toBe(2);
    // The kept ones still answer.
    await Promise.all([1, 2].map(() => dataSource.query('SELECT 1')));
    expect(poolOf(dataSource).totalCount).toBe(POOL_KEPT_WARM);
  });
});
