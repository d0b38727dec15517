import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { answerClientErrorsWithJson } from './common/client-error';
import { useHttpBasics } from './common/http-basics';
import { requireJsonBody } from './common/json-body';
import { requestIdMiddleware } from './common/request-id';
import { requestTextGuard, verifyUtf8Body } from './common/request-text';
import { RequestValidationPipe } from './common/validation';
import { APP_CONFIG, RuntimeConfig } from './config/app-config';
import { RevalidationLane } from './auth/revalidation-lane';
import { answerAheadOfExpress } from './early-answers.setup';
import { bindRequestToReads } from './database/read-router';
import { GatewayErrorFormatter } from './gateway/gateway-error.formatter';
import { AppLogger, createLogger, NestLogger } from './logging/logger';
import { requestLogger } from './logging/request-log';
import { refuseInference } from './gateway/inference-paths';
import { aliasedUrl } from './api-v1-paths';
import { setupOpenApi } from './openapi.setup';
import { IMPORT_PATH, importJsonBody } from './models/import/import-body';
import { VALIDATION_SHORTCUTS } from './models/dto/list-query-fast-check';
import { serveWebApp } from './web-app/web-app';

export const BODY_LIMIT = '1mb';

/** `/api/v1/...` is an alias of `/api/...`: rewrite before routing so every route answers on both. */
function apiV1Alias(request: Request, _response: Response, next: NextFunction): void {
  request.url = aliasedUrl(request.url, request.path);
  next();
}

/** Security headers, compression, CORS, pipes, filters, body limits and aliases: everything main.ts and the tests must share. */
export function configureApp(app: NestExpressApplication, logger: AppLogger): void {
  const filter = new ApiExceptionFilter([new GatewayErrorFormatter()]);
  const config = app.get<RuntimeConfig>(APP_CONFIG);
  // Whom to believe about HTTPS and the public host: the cookie's Secure flag and the cross-site check.
  app.set('trust proxy', config.trustProxy);
  useHttpBasics(app, config.corsOrigins);
  app.use(requestIdMiddleware);
  app.use(requestLogger(logger));
  app.use(apiV1Alias);
  app.use(refuseInference);
  serveWebApp(app);
  app.use(requireJsonBody(BODY_LIMIT));
  app.use(IMPORT_PATH, importJsonBody(config.importMaxBytes));
  app.use(json({ limit: BODY_LIMIT, verify: verifyUtf8Body }));
  app.use(requestTextGuard);
  // After the body is read (its stream events would lose the context), before the routes: the
  // read router sees each request's method and caller (read replicas). Only with replicas: the
  // first AsyncLocalStorage.run turns on promise hooks, which then tax every await of every request.
  if (config.databaseReadUrls.length > 0) app.use(bindRequestToReads);
  // Last before Nest's router, so every middleware above applies to what it answers.
  if (config.revalidationLane) {
    const lane = RevalidationLane.create(app);
    app.use(lane.handler);
    if (config.revalidationLaneEarly) {
      // Misses read through the read router's request context when replicas are set: Nest's path only.
      const misses = config.revalidationLaneMisses && config.databaseReadUrls.length === 0;
      answerAheadOfExpress(app, lane, logger, config.corsOrigins, { misses });
    }
  }
  // Body-parser and text-guard failures happen before Nest routes: answer them the same way.
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) return next(error);
    filter.reply(error, request, response);
  });
  app.useGlobalFilters(filter);
  app.useGlobalPipes(new RequestValidationPipe(VALIDATION_SHORTCUTS));
  app.disable('x-powered-by');
  // Express's body-hash ETag would tag errors and every route alike; @Revalidated() routes set their own.
  app.set('etag', false);
  answerClientErrorsWithJson(app.getHttpServer());
  app.set('query parser', 'simple');
  setupOpenApi(app);
}

/** Builds the application exactly as main.ts serves it (tests call this too). */
export async function createApp(
  config: RuntimeConfig,
  logger: AppLogger = createLogger(config),
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new NestLogger(logger),
    // A failed start is thrown to the caller (main.ts prints one line), not a process.exit inside Nest.
    abortOnError: false,
  });
  configureApp(app, logger);
  return app;
}
