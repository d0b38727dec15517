import { applyDecorators, Type } from '@nestjs/common';
import { ApiProperty, ApiResponse, ApiSecurity } from '@nestjs/swagger';

/**
 * The security scheme names of the OpenAPI document. A sign-in token and an API key both travel
 * as `Authorization: Bearer`, but they are listed apart so clients see that a key works there too.
 */
export const SECURITY = {
  signInToken: 'bearer',
  apiKeyBearer: 'api-key',
  apiKeyHeader: 'x-api-key',
  sessionCookie: 'cookie',
} as const;

/** Any caller credential: a sign-in token (Bearer or the session cookie), or an API key as Bearer or in `x-api-key` (alternatives). */
export function ApiCallerAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(...Object.values(SECURITY).map((name) => ApiSecurity(name)));
}

/** The §5 error body of every route under /api. */
export class ApiErrorDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found', description: 'The HTTP reason phrase' })
  error!: string;

  @ApiProperty({ example: 'Model not found' })
  message!: string;

  @ApiProperty({ example: 'Model not found', description: 'The same text: what the Open WebUI frontend shows' })
  detail!: string;
}

const MEANING: Record<number, string> = {
  400: 'Bad input; the message names the field',
  401: 'Not signed in, or bad credentials',
  403: 'Signed in but not allowed',
  404: 'Not found, or not visible to the caller',
  409: 'Conflict (the id is taken, or the model is in use)',
  413: 'Body over 1 MiB',
  503: 'Database unreachable',
};

/** Documents the listed error statuses with one body type (the §5 shape unless told otherwise). */
export function ApiErrorResponses(statuses: number[], type: Type<unknown> = ApiErrorDto): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: MEANING[status] ?? 'Error', type })),
  );
}
