import { HttpException, HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { isUniqueViolation, UNIQUE_VIOLATION_MESSAGE } from './unique-violation';

export interface DescribedError {
  status: number;
  message: string;
  /** Set for errors whose cause must be logged (5xx other than a database outage). */
  unexpected: boolean;
}

const DB_UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const DB_UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const BAD_INPUT_SQLSTATES = new Set(['22P02', '22021', '22P05', '22001', '22003', '54000', '2201B']);

// The last is pg-pool's when every pooled connection is stuck connecting to a server that does not answer.
const DB_UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|Connection is not established|terminating connection|timeout exceeded when trying to connect/i;

/**
 * Errors from node-postgres or the pool when the server is down, hangs, or a connection died.
 * Not `instanceof Error`: socket errors come from Node's own realm, which differs under jest.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const driver = (error instanceof QueryFailedError ? error.driverError : error) as { code?: unknown };
  const code = typeof driver.code === 'string' ? driver.code : '';
  if (DB_UNREACHABLE_CODES.has(code) || DB_UNAVAILABLE_SQLSTATES.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && DB_UNAVAILABLE_MESSAGES.test(message);
}

function httpExceptionMessage(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** body-parser reports its failures as errors with a `type`. */
function bodyParserError(error: { type?: string; status?: number }): DescribedError | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, message: 'Malformed JSON in request body', unexpected: false };
    case 'entity.too.large':
      return { status: 413, message: 'Request body is larger than 1 MiB', unexpected: false };
    case 'encoding.unsupported':
    case 'encoding.invalid':
    case 'charset.unsupported':
      return { status: 400, message: 'Request body must be UTF-8 JSON', unexpected: false };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, message: 'Request body was incomplete', unexpected: false };
    default:
      return null;
  }
}

function queryError(error: QueryFailedError<Error>): DescribedError | null {
  const code = (error.driverError as { code?: string }).code ?? '';
  if (isUniqueViolation(error)) return { status: 409, message: UNIQUE_VIOLATION_MESSAGE, unexpected: false };
  if (code === '40001' || code === '40P01') {
    return { status: 409, message: 'Conflicting concurrent change; try again', unexpected: false };
  }
  if (BAD_INPUT_SQLSTATES.has(code)) {
    return { status: 400, message: 'Request contains a value the database cannot store', unexpected: false };
  }
  return null;
}

/** Maps anything thrown while serving a request to a status and a message safe to show. */
export function describeError(exception: unknown): DescribedError {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, message: httpExceptionMessage(exception), unexpected: status >= 500 && status !== 503 };
  }
  if (isDatabaseUnavailable(exception)) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'Database is unavailable', unexpected: false };
  }
  const described =
    (exception instanceof QueryFailedError ? queryError(exception as QueryFailedError<Error>) : null) ??
    (typeof exception === 'object' && exception !== null ? bodyParserError(exception) : null);
  return described ?? { status: 500, message: 'Internal server error', unexpected: true };
}
