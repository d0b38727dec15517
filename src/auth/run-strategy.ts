import { UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import type { Strategy } from 'passport';
import type { AuthUser } from '../common/auth-user';

type Middleware = (request: Request, response: Response, next: (error?: unknown) => void) => void;

/**
 * Keeps what the strategy failed with, so the error filter can tell a database outage (503) from
 * a bug. Not `instanceof Error`: socket errors from node-postgres may come from another realm
 * (under jest), and replacing them turned every request during an outage into a 500.
 */
function asError(error: unknown): Error {
  return typeof error === 'object' && error !== null ? (error as Error) : new Error('Authentication failed');
}

/** Why passport-jwt refused a token, in words a client can act on. */
function failureMessage(info: unknown): string {
  const name = info instanceof Error ? info.name : '';
  if (name === 'TokenExpiredError') return 'Token has expired; sign in again';
  return 'Invalid token';
}

/**
 * Runs one passport strategy instance on the request. Strategies are passed as instances, not
 * looked up by name in passport's process-wide registry, so two apps in one process (tests)
 * never use each other's secret or database. Object.create gives each request its own copy,
 * because passport attaches the request's callbacks to the strategy object it runs.
 */
export function runStrategy(strategy: Strategy, request: Request, response: Response): Promise<AuthUser> {
  return new Promise<AuthUser>((resolve, reject) => {
    const done = (error: unknown, user: AuthUser | false, info: unknown): void => {
      if (error) reject(asError(error));
      else if (!user) reject(new UnauthorizedException(failureMessage(info)));
      else resolve(user);
    };
    const perRequest = Object.create(strategy) as Strategy;
    const middleware = passport.authenticate(perRequest, { session: false }, done) as Middleware;
    middleware(request, response, (error) => reject(asError(error)));
  });
}
