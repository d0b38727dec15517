import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { V1_ONLY_PATHS } from './api-v1-paths';
import { SECURITY } from './common/openapi';
import { GATEWAY_SECURITY } from './gateway/gateway-openapi';

/**
 * `/api/v1/...` is served by rewriting the URL before routing (app.setup.ts), so Nest and Swagger
 * never see it. The document lists each /api path again under /api/v1 (same operation, its own
 * operationId, `x-alias-of` naming the original) so generated clients may use either prefix,
 * except where Open WebUI's /api/v1 path is a route of its own or none (api-v1-paths.ts).
 */
export function withApiV1Aliases(document: OpenAPIObject): OpenAPIObject {
  const paths = { ...document.paths };
  for (const [path, item] of Object.entries(document.paths)) {
    const alias = path.replace(/^\/api\//, '/api/v1/');
    if (alias === path || path.startsWith('/api/v1/') || paths[alias] || V1_ONLY_PATHS.has(alias)) continue;
    const copy = structuredClone(item) as Record<string, { operationId?: string } & Record<string, unknown>>;
    for (const operation of Object.values(copy)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      if (operation.operationId) operation.operationId += '_v1';
      operation['x-alias-of'] = path;
    }
    paths[alias] = copy;
  }
  return { ...document, paths };
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Model registry')
    .setDescription(
      'Workspace models, sharing, and gateway model lists (/v1/models, /v1beta/models). ' +
        'Every /api route also answers under /api/v1.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Sign-in token (POST /api/auths/signin)' },
      SECURITY.signInToken,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'sk-…', description: 'An API key as Bearer' },
      SECURITY.apiKeyBearer,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key' }, SECURITY.apiKeyHeader)
    .addCookieAuth(
      'token',
      {
        type: 'apiKey',
        in: 'cookie',
        description: 'The session cookie sign-in sets; changes need an Origin of this service or CORS_ORIGINS',
      },
      SECURITY.sessionCookie,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'x-goog-api-key', description: 'An API key; gateway routes only' },
      GATEWAY_SECURITY.googHeader,
    )
    .addApiKey(
      { type: 'apiKey', in: 'query', name: 'key', description: 'An API key; gateway routes only' },
      GATEWAY_SECURITY.keyQuery,
    )
    .build();
  return withApiV1Aliases(SwaggerModule.createDocument(app, config));
}

export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
