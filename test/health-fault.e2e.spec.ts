import { Controller, Get } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { createServer, Server, Socket } from 'node:net';
import { Client, Pool } from 'pg';
import request from 'supertest';
import { DataSource, QueryFailedError } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { createLogger } from '../src/logging/logger';
import { Public } from '../src/common/decorators';
import { describeError, isDatabaseUnavailable } from '../src/common/describe-error';
import { listenForTests, startAppOnDatabase, testConfigFor } from './support/app-on-database';
import { ScratchPostgres, startScratchPostgres } from './support/scratch-postgres';
import { TestApp } from './support/test-app';

const UNAVAILABLE = { status: 503, message: 'Database is unavailable', unexpected: false };
const UNAVAILABLE_BODY = {
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'Database is unavailable',
  detail: 'Database is unavailable',
};
const SLEEP = 'SELECT pg_sleep(60)';

/** Stands for any route that reads the database: the real filter and pipeline, a trivial handler. */
@Controller('api/test-database-probe')
class DatabaseProbeController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Public()
  async countUsers(): Promise<{ users: number }> {
    const rows: { n: number }[] = await this.dataSource.query('SELECT count(*)::int AS n FROM users');
    return { users: rows[0].n };
  }
}

/** The app as createApp builds it (configureApp, AppModule) plus the probe route. */
async function startAppWithProbe(databaseUrl: string): Promise<TestApp> {
  const config = testConfigFor(databaseUrl);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
    controllers: [DatabaseProbeController],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error'] });
  configureApp(app, createLogger(config));
  return listenForTests(app, config);
}

/** Resolves with what the promise rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

async function waitForActiveQueries(url: string, query: string, count: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'",
        [query],
      );
      if (rows[0].n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${count} sessions never ran ${query}`);
  } finally {
    await client.end();
  }
}

describe('a database server that stops and comes back', () => {
  let pg: ScratchPostgres;
  let t: TestApp;
  let withProbe: TestApp;

  beforeAll(async () => {
    pg = await startScratchPostgres();
    t = await startAppOnDatabase(pg.url);
    withProbe = await startAppWithProbe(pg.url);
  });
  afterAll(async () => {
    await t?.close();
    await withProbe?.close();
    await pg?.destroy();
  });

  it('answers /health 200 with the database up', async () => {
    const res = await request(t.server).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  describe('while the server is stopped', () => {
    let terminatedByPg: Error;
    let terminatedByTypeorm: Error;

    beforeAll(async () => {
      // Sessions busy in a query when the server shuts down: they are terminated with 57P01.
      const client = new Client({ connectionString: pg.url });
      client.on('error', () => undefined);
      await client.connect();
      const pgQuery = rejection(client.query(SLEEP));
      const typeormQuery = rejection(t.dataSource.query(SLEEP));
      await waitForActiveQueries(pg.url, SLEEP, 2);
      await pg.stop();
      [terminatedByPg, terminatedByTypeorm] = await Promise.all([pgQuery, typeormQuery]);
      await client.end().catch(() => undefined);
    });

    it('answers /health 503 {"status":"unavailable","database":"down"}', async () => {
      const res = await request(t.server).get('/health').expect(503);
      expect(res.body).toEqual({ status: 'unavailable', database: 'down' });
    });

    it('answers a route that reads the database with 503 and the error body, not 500', async () => {
      const res = await request(withProbe.server).get('/api/test-database-probe').expect(503);
      expect(res.body).toEqual(UNAVAILABLE_BODY);
    });

    it('maps a refused connection (ECONNREFUSED) from node-postgres and from TypeORM to 503', async () => {
      const pool = new Pool({ connectionString: pg.url, connectionTimeoutMillis: 2000 });
      try {
        const refused = await rejection(pool.query('SELECT 1'));
        expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
        expect(isDatabaseUnavailable(refused)).toBe(true);
        expect(describeError(refused)).toEqual(UNAVAILABLE);
      } finally {
        await pool.end();
      }
      const viaTypeorm = await rejection(t.dataSource.query('SELECT 1'));
      expect(describeError(viaTypeorm)).toEqual(UNAVAILABLE);
    });

    it('maps a refused connection to a host name (localhost, which may resolve to IPv6 and IPv4) to 503', async () => {
      const pool = new Pool({ connectionString: pg.url.replace('127.0.0.1', 'localhost') });
      try {
        const refused = await rejection(pool.query('SELECT 1'));
        expect(describeError(refused)).toEqual(UNAVAILABLE);
      } finally {
        await pool.end();
      }
    });

    it('maps a session terminated by the shutdown (57P01) to 503', () => {
      expect((terminatedByPg as { code?: string }).code).toBe('57P01');
      expect(describeError(terminatedByPg)).toEqual(UNAVAILABLE);
      expect(terminatedByTypeorm).toBeInstanceOf(QueryFailedError);
      expect((terminatedByTypeorm as QueryFailedError).driverError).toMatchObject({ code: '57P01' });
      expect(describeError(terminatedByTypeorm)).toEqual(UNAVAILABLE);
    });
  });

  describe('after the server is restarted', () => {
    beforeAll(() => pg.start());

    it('answers /health 200 again without restarting the app', async () => {
      const res = await request(t.server).get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', database: 'up' });
    });

    it('serves routes that read the database again', async () => {
      const res = await request(withProbe.server).get('/api/test-database-probe').expect(200);
      expect(res.body).toEqual({ users: 0 });
    });
  });
});

describe('a database that accepts connections but never answers', () => {
  let blackHole: Server;
  const sockets = new Set<Socket>();
  let url: string;

  beforeAll(async () => {
    blackHole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    url = `postgres://postgres@127.0.0.1:${(blackHole.address() as { port: number }).port}/postgres`;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('maps both the connect timeout and the wait for a pooled connection to 503', async () => {
    // The app's pool settings, with a short timeout: one request connects, the next waits for it.
    const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 300 });
    try {
      const [connecting, waiting] = await Promise.all([
        rejection(pool.query('SELECT 1')),
        rejection(pool.query('SELECT 1')),
      ]);
      expect([connecting.message, waiting.message].sort()).toEqual([
        'Connection terminated due to connection timeout',
        'timeout exceeded when trying to connect',
      ]);
      expect(describeError(connecting)).toEqual(UNAVAILABLE);
      expect(describeError(waiting)).toEqual(UNAVAILABLE);
    } finally {
      await pool.end();
    }
  });
});
