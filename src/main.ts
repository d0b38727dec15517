import { INestApplication, Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigError, loadConfig, RuntimeConfig } from './config/app-config';
import { loadJwtSecret } from './config/jwt-secret';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  const config = loadConfig(process.env);
  let embedded: EmbeddedDatabase | null = null;
  if (!config.databaseUrl) {
    logger.log(`DATABASE_URL is unset: starting embedded PostgreSQL in ${config.dataDir}/pg`);
    embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
  }
  const runtime: RuntimeConfig = {
    ...config,
    databaseUrl: config.databaseUrl ?? embedded!.url,
    jwtSecret: await loadJwtSecret(config.jwtSecret, config.dataDir),
  };
  const app = await createApp(runtime);
  stopCleanlyOnSignals(app, embedded, logger);
  await app.listen(config.port, '0.0.0.0');
  logger.log(`Model registry listening on port ${config.port}`);
}

/**
 * On SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the pool, then stop the
 * embedded PostgreSQL. embedded-postgres installs its own signal hook that stops the database
 * at once; it is replaced so the database outlives the requests still using it.
 */
function stopCleanlyOnSignals(app: INestApplication, embedded: EmbeddedDatabase | null, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests`);
    app
      .close()
      .then(() => embedded?.stop())
      .then(
        () => process.exit(0),
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
    console.error('Failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
