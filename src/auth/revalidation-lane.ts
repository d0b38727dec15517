import type { NestExpressApplication } from '@nestjs/platform-express';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { AuthenticatedRequest, Caller, callerOf } from '../access/caller';
import { AnswerCache } from '../common/answer-cache';
import { AnswerEncoding, sentEncoding } from '../common/answer-encoding';
import type { AuthUser } from '../common/auth-user';
import {
  asJson,
  knownAnswer,
  markNotModified,
  RevalidatedKind,
  Revalidation,
  revalidationOf,
  setRevalidationHeaders,
} from '../common/revalidation';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { authenticate, Authenticators, authorize, handOver } from './access-decision';
import { ApiKeyStrategy } from './api-key.strategy';
import { JwtStrategy } from './jwt.strategy';
import { normalizedRoutePath, RevalidatedRoute, revalidatedRoutes } from './revalidation-routes';

/** What Express's router keeps per registered handler (router/lib/layer.js); the lane reads, never changes it. */
interface RouterLayer {
  handle: (...args: never[]) => unknown;
  route?: { path: string | string[]; methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}

/** One step of the walk Express's router would make after the lane: a route (laned or not) or middleware. */
interface Step {
  layer: RouterLayer;
  route: RevalidatedRoute | null | 'middleware';
}

/**
 * The revalidation lane (docs/api.md, "Revalidation"): an Express middleware after the
 * cross-cutting ones (security headers, CORS, compression, request id, logging) and ahead of
 * Nest's router. For a GET or HEAD that Express would route to a @Revalidated() handler it
 * authenticates and authorizes with the guard's own functions (access-decision.ts), reads the
 * answer key and tag exactly as the interceptor does, and answers only the two cases whose
 * answer it can prove is Nest's: a 304, or a 200 from the answer cache, through the same Express
 * calls. Anything else goes on to Nest, with the caller (or the refusal) handed to the guard so
 * it is not read twice. It saves Nest's routing, guard and interceptor pipeline on the answers
 * polling clients get most.
 */
export class RevalidationLane {
  private static readonly lanes = new WeakMap<NestExpressApplication, RevalidationLane>();
  private steps: Step[] | null = null;
  /** Requests the lane answered itself (tests prove with it that the lane, not Nest, answered). */
  answered = 0;
  /** Of those, the ones answered ahead of Express (early-answers.setup.ts). */
  answeredEarly = 0;
  /** Misses of list routes built and sent ahead of Express (early-misses.ts), not counted above. */
  builtEarly = 0;
  readonly handler: RequestHandler = (request, response, next) => this.handle(request, response, next);

  constructor(
    private readonly app: NestExpressApplication,
    private readonly authenticators: Authenticators,
    private readonly cache: AnswerCache,
    private readonly config: RuntimeConfig,
  ) {}

  static create(app: NestExpressApplication): RevalidationLane {
    const config = app.get<RuntimeConfig>(APP_CONFIG);
    const authenticators = {
      jwt: app.get(JwtStrategy, { strict: false }),
      apiKey: app.get(ApiKeyStrategy, { strict: false }),
      config,
    };
    const lane = new RevalidationLane(app, authenticators, app.get(AnswerCache, { strict: false }), config);
    RevalidationLane.lanes.set(app, lane);
    return lane;
  }

  /** The app's lane, or undefined when REVALIDATION_LANE is off. */
  static of(app: NestExpressApplication): RevalidationLane | undefined {
    return RevalidationLane.lanes.get(app);
  }

  /** The route Express would hand this request to, when the lane may answer for it. */
  routeOf(request: Request): RevalidatedRoute | null {
    return this.routeFor(request.method, request.path);
  }

  /** The same for a method and a path as routed (after the /api/v1 alias). */
  routeFor(method: string | undefined, path: string): RevalidatedRoute | null {
    if (method !== 'GET' && method !== 'HEAD') return null;
    for (const { layer, route } of this.walk()) {
      if (route !== 'middleware' && !handles(layer, method)) continue;
      if (!layer.match(path)) continue;
      // The first layer that takes the request decides; middleware might answer it itself.
      return route === 'middleware' ? null : route;
    }
    return null;
  }

  private handle(request: Request, response: Response, next: NextFunction): void {
    // Tried ahead of Express already (early-answers.setup.ts): the guard takes what it found.
    if (triedEarly(request)) return next();
    let route: RevalidatedRoute | null;
    try {
      route = this.routeOf(request);
    } catch {
      route = null;
    }
    if (route === null) return next();
    this.answer(request as Request & AuthenticatedRequest, response, route).then(
      (answered) => {
        if (!answered) next();
      },
      // Never an error of its own: Nest answers as it would have without the lane.
      () => (response.headersSent ? response.end() : next()),
    );
  }

  /**
   * What the lane answers `request` (Express's, or the stand-in ahead of Express) with; a miss
   * (authorized, nothing known: the answer must be built) or null (refused or failed) to leave it
   * to Nest: then the guard gets what authentication found, handed over on `original` (the request
   * object Nest will see).
   */
  async decide(
    request: Request,
    original: IncomingMessage,
    route: RevalidatedRoute,
  ): Promise<LaneAnswer | LaneMiss | null> {
    let user: AuthUser;
    // Async, so a refusal thrown before any lookup (no credential) is a rejection like the others.
    const authenticated = (async () => authenticate(request, this.authenticators))();
    handOver(original as Request, authenticated);
    try {
      user = await authenticated;
      authorize(user, request.method, route.access);
    } catch {
      return null;
    }
    const caller = callerOf(user, this.config);
    const revalidation = revalidationOf(request, route.kind, user, caller);
    const known = knownAnswer(request, this.cache, revalidation);
    if (known === undefined) return { miss: true, user, caller, kind: route.kind, revalidation };
    const coding = known === null ? 'identity' : sentEncoding(request.method, known.length, revalidation.encoding);
    const body =
      known === null || coding === 'identity' ? known : await this.cache.encoded(revalidation.key, known, coding);
    return { user, caller, kind: route.kind, tag: revalidation.tag, body, coding };
  }

  /** Whether the lane answered; when not, the guard gets what authentication found. */
  private async answer(
    request: Request & AuthenticatedRequest,
    response: Response,
    route: RevalidatedRoute,
  ): Promise<boolean> {
    const decided = await this.decide(request, request, route);
    if (decided === null || 'miss' in decided) return false;
    const { body, coding } = decided;
    request.user = decided.user;
    request.caller = decided.caller;
    setRevalidationHeaders(response, route.kind, decided.tag);
    response.status(200);
    this.answered += 1;
    if (body === null) {
      markNotModified(request);
      response.send();
    } else {
      asJson(response, body);
      // The compression middleware leaves an answer alone that names its coding already.
      if (coding !== 'identity') response.setHeader('Content-Encoding', coding);
      response.send(body);
    }
    return true;
  }

  /**
   * Express's router stack after the lane, built at the first request (Nest registers its routes
   * when the app starts listening, after configureApp).
   */
  private walk(): Step[] {
    if (this.steps !== null) return this.steps;
    const routes = revalidatedRoutes(this.app.get(ModulesContainer), this.app.get(Reflector));
    const stack = (this.app.getHttpAdapter().getInstance() as unknown as { router: { stack: RouterLayer[] } }).router
      .stack;
    const own = stack.findIndex((layer) => layer.handle === this.handler);
    this.steps = stack.slice(own + 1).flatMap((layer): Step[] => {
      if (!layer.route) return layer.handle.length > 3 ? [] : [{ layer, route: 'middleware' }];
      const path = layer.route.path;
      return [{ layer, route: typeof path === 'string' ? (routes.get(normalizedRoutePath(path)) ?? null) : null }];
    });
    return this.steps;
  }
}

/** A 304 (`body` null) or a 200 with the kept bytes in `coding`, for `user`. */
export interface LaneAnswer {
  user: AuthUser;
  caller: Caller;
  kind: RevalidatedKind;
  tag: string;
  body: Buffer | null;
  coding: AnswerEncoding;
}

/** Authorized, and the answer is neither the client's copy nor kept: it must be built. */
export interface LaneMiss {
  miss: true;
  user: AuthUser;
  caller: Caller;
  kind: RevalidatedKind;
  revalidation: Revalidation;
}

const TRIED_EARLY = Symbol('triedEarly');

/** The lane ahead of Express tried this request and left it to Nest (a symbol: no client can set it). */
export function markTriedEarly(request: IncomingMessage): void {
  (request as IncomingMessage & { [TRIED_EARLY]?: true })[TRIED_EARLY] = true;
}

function triedEarly(request: IncomingMessage): boolean {
  return (request as IncomingMessage & { [TRIED_EARLY]?: true })[TRIED_EARLY] === true;
}

/** As Express's route decides: HEAD goes to a GET handler unless the route has its own. */
function handles(layer: RouterLayer, method: string): boolean {
  const methods = layer.route?.methods ?? {};
  return methods._all === true || methods.get === true || (method === 'HEAD' && methods.head === true);
}
