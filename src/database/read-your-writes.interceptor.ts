import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { catchError, from, map, mergeMap, Observable, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../access/caller';
import { isReadMethod, ReadRouter } from './read-router';

/**
 * After a signed-in caller's write (any method but GET/HEAD/OPTIONS, answered or failed), and
 * before the answer leaves, records the primary's WAL position for that caller: its next read, on
 * any instance, goes to a replica only once that replica has replayed it (see ReadRouter).
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ReadYourWrites');

  constructor(private readonly router: ReadRouter) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { method: string }>();
    const userId = request.caller?.userId;
    if (!this.router.routing || !userId || isReadMethod(request.method)) return next.handle();
    const record = (): Observable<void> =>
      from(
        this.router.recordWrite(userId).catch((error: unknown) => {
          // The primary failed right after the write; the request's own answer says what happened.
          this.logger.warn(`could not record the write position of ${userId}: ${String(error)}`);
        }),
      );
    return next.handle().pipe(
      mergeMap((value: unknown) => record().pipe(map((): unknown => value))),
      catchError((error: unknown) => record().pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
