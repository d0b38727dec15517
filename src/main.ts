import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from './app.setup';
import { ConfigError, loadConfig, RuntimeConfig } from './config/app-config';
import { loadJwtSecret } from './config/jwt-secret';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { AppLogger, createLogger } from './logging/logger';
import { EnvFileResult, loadEnvFile } from './startup/env-file';
import { describeStartFailure, startReport } from './startup/start-report';

async function bootstrap(): Promise<void> {
  // The test suite runs this file as a child process: a developer's .env must not leak into it.
  const envFile = process.env.NODE_ENV === 'test' ? null : loadEnvFile(process.env);
  const config = loadConfig(process.env);
  const root = createLogger(config);
  const logger = root.child({ context: 'Start' });
  reportEnvFile(envFile, logger);
  let embedded: EmbeddedDatabase | null = null;
  try {
    if (!config.databaseUrl) {
      logger.info(`DATABASE_URL is unset: starting embedded PostgreSQL for ${config.dataDir}`);
      embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
    }
    const runtime: RuntimeConfig = {
      ...config,
      databaseUrl: config.databaseUrl ?? embedded!.url,
      jwtSecret: await loadJwtSecret(config.jwtSecret, config.dataDir),
    };
    const app = await createApp(runtime, root);
    stopCleanlyOnSignals(app, embedded, logger);
    await app.listen(config.port, '0.0.0.0');
    const { port } = app.getHttpServer().address() as { port: number };
    const rows: { n: number }[] = await app.get(DataSource).query('SELECT count(*)::int AS n FROM users');
    for (const line of startReport({ config, port, embedded, accounts: rows[0].n })) logger.info(line);
  } catch (error) {
    // Do not leave the embedded PostgreSQL running behind a failed start.
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

function reportEnvFile(envFile: EnvFileResult | null, logger: AppLogger): void {
  if (!envFile) return;
  const kept =
    envFile.overridden.length > 0 ? `; already set in the environment, kept: ${envFile.overridden.join(', ')}` : '';
  logger.info(`Read ${envFile.applied.length} variables from ${envFile.path}${kept}`);
}

/**
 * On SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the pool, then stop the
 * embedded PostgreSQL. embedded-postgres installs its own signal hook that stops the database
 * at once; it is replaced so the database outlives the requests still using it.
 */
function stopCleanlyOnSignals(app: INestApplication, embedded: EmbeddedDatabase | null, logger: AppLogger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight requests`);
    app
      .close()
      .then(() => embedded?.stop())
      .then(
        () => {
          logger.info('Model registry stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(`Unclean shutdown: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error(`Failed to start: ${describeStartFailure(error)}`);
  }
  process.exit(1);
});
