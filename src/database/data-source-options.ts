import { types } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

// bigint columns hold unix seconds and counts, far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number.parseInt(value, 10));

/** Connections the pool keeps open however long it sits idle. */
export const POOL_KEPT_WARM = 2;

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: poolSize,
      // Two connections (a list's page and count run side by side) outlive the pool's 10 s idle
      // timeout: the first request after a pause would otherwise open them anew and plan on cold
      // catalog caches (bench/idle-latency.ts; README, Performance, "Where the tail comes from").
      min: Math.min(POOL_KEPT_WARM, poolSize),
      // A dead server must fail requests fast (503), not hang them.
      connectionTimeoutMillis: 3000,
      statement_timeout: 30000,
    },
  };
}
