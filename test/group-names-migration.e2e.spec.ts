import { DataSource, type Logger, QueryFailedError } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { GroupNamesIgnoreCase1796034400000 } from '../src/database/migrations/1796034400000-GroupNamesIgnoreCase';
import { createTestDatabase } from './support/test-database';

/** A TypeORM logger that keeps the migration messages. */
function recordingLogger(messages: string[]): Logger {
  const ignore = (): void => undefined;
  return {
    logQuery: ignore,
    logQueryError: ignore,
    logQuerySlow: ignore,
    logSchemaBuild: ignore,
    log: ignore,
    logMigration: (message: string) => void messages.push(message),
  };
}

describe('migration GroupNamesIgnoreCase on a database whose group names clash in case', () => {
  const migration = new GroupNamesIgnoreCase1796034400000();
  const messages: string[] = [];
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ ...dataSourceOptions(database.url, 2), logger: recordingLogger(messages) });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const names = async (): Promise<string[]> =>
    (await dataSource.query(`SELECT name FROM groups ORDER BY created_at`)).map((row: { name: string }) => row.name);
  const insert = (name: string, createdAt: number) =>
    dataSource.query(`INSERT INTO groups (name, created_at, updated_at) VALUES ($1, $2, $2)`, [name, createdAt]);
  const run = async (step: 'up' | 'down') => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    await migration[step](runner);
    await runner.commitTransaction();
    await runner.release();
  };

  it('keeps the oldest name, gives later ones the first free suffix, logs each rename, then refuses case twins', async () => {
    await run('down');
    // Case-sensitive uniqueness (the old rule) lets these in.
    await insert('Team', 1);
    await insert('team', 2);
    await insert('Team (2)', 3);
    await insert('TEAM', 4);
    await insert('Ops', 5);

    await run('up');

    expect(await names()).toEqual(['Team', 'team (3)', 'Team (2)', 'TEAM (4)', 'Ops']);
    expect(messages).toEqual([
      expect.stringMatching(/^group [0-9a-f-]{36} renamed from "team" to "team \(3\)": group names are now unique/),
      expect.stringMatching(/^group [0-9a-f-]{36} renamed from "TEAM" to "TEAM \(4\)"/),
    ]);
    const twin = await insert('tEaM', 6).catch((error: unknown) => error);
    expect(twin).toBeInstanceOf(QueryFailedError);
    expect((twin as QueryFailedError & { driverError: { constraint: string } }).driverError.constraint).toBe(
      'groups_name_lower_key',
    );
  });

  it('goes down to case-sensitive uniqueness, and up again renames only the new twin', async () => {
    messages.length = 0;
    await run('down');
    const same = await insert('Ops', 7).catch((error: unknown) => error);
    expect((same as QueryFailedError & { driverError: { constraint: string } }).driverError.constraint).toBe(
      'groups_name_key',
    );
    await insert('ops', 8);
    await run('up');
    expect(messages).toEqual([expect.stringMatching(/renamed from "ops" to "ops \(2\)"/)]);
    expect(await names()).toEqual(['Team', 'team (3)', 'Team (2)', 'TEAM (4)', 'Ops', 'ops (2)']);
  });
});
