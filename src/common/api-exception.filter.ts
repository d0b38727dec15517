import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { describeError } from './describe-error';
import { redactUrl } from './redact-url';
import { requestIdOf } from './request-id';

export interface ErrorBodyFormatter {
  /** Returns a body for requests this formatter owns (e.g. gateway routes), or null. */
  format(request: Request, status: number, message: string): object | null;
}

/** The one place every error body is made: the §5 shape, or a formatter's for routes it owns. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly formatters: ErrorBodyFormatter[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    this.reply(exception, host.switchToHttp().getRequest<Request>(), host.switchToHttp().getResponse<Response>());
  }

  reply(exception: unknown, request: Request, response: Response): void {
    const { status, message, unexpected } = describeError(exception);
    if (unexpected) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(
        `request ${requestIdOf(request)} ${request.method} ${redactUrl(request.originalUrl)}: ${detail}`,
      );
    }
    if (response.headersSent) return;
    response.status(status).json(this.body(request, status, message));
  }

  private body(request: Request, status: number, message: string): object {
    for (const formatter of this.formatters) {
      const body = formatter.format(request, status, message);
      if (body) return body;
    }
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, detail: message };
  }
}
