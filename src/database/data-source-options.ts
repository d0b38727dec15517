import { types } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

// bigint columns hold unix seconds and counts, far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // A dead server must fail requests fast (503), not hang them.
    extra: { max: poolSize, connectionTimeoutMillis: 3000, statement_timeout: 30000 },
  };
}
