import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { aliasedUrl } from './api-v1-paths';
import { LaneAnswer, LaneMiss, markTriedEarly, RevalidationLane } from './auth/revalidation-lane';
import type { RevalidatedRoute } from './auth/revalidation-routes';
import { AnswerCache } from './common/answer-cache';
import { corsHeaderList, securityHeaderList } from './common/http-basics';
import { assignRequestId } from './common/request-id';
import { urlProblem } from './common/request-text';
import { REVALIDATED_CACHE_CONTROL } from './common/answer-encoding';
import { revalidationVary } from './common/revalidation';
import { answerBytes, MissBuilder, missBuilders } from './early-misses';
import { isInferenceCall } from './gateway/inference-paths';
import type { AppLogger } from './logging/logger';
import { logWhenDone } from './logging/request-log';

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Characters after which parseurl (Express's URL reader) leaves its fast path for url.parse: such
 * URLs go to Express, which reads them its own way.
 */
const UNUSUAL_URL = /[\t\n\f\r #\u00a0\ufeff]/;

/**
 * The revalidation lane ahead of Express (docs/api.md, "Revalidation"): the server's request
 * listener tries each GET or HEAD that the lane would take before Express re-prototypes the
 * request and response and runs its middleware. It answers the lane's 304s and cache hits itself,
 * with the headers every middleware ahead of the lane would have set (helmet's, CORS's, the
 * request id, the lane's own), and writes the same log line; everything else goes to Express
 * untouched (a URL Express would read otherwise, a body, a route the lane does not take) or with
 * the authentication already done, which the guard takes (a refusal, a miss). The lane in Express
 * stays for what comes to it. Byte for byte the same answers: test/early-answers.e2e.spec.ts.
 */
export function answerAheadOfExpress(
  app: NestExpressApplication,
  lane: RevalidationLane,
  logger: AppLogger,
  corsOrigins: readonly string[],
  options: { misses: boolean } = { misses: false },
): void {
  const server: Server = app.getHttpServer();
  const listeners = server.listeners('request') as Listener[];
  if (listeners.length !== 1)
    throw new Error(`expected Express as the one request listener, found ${listeners.length}`);
  const [express] = listeners;
  const misses = options.misses
    ? { builders: missBuilders(app), cache: app.get(AnswerCache, { strict: false }) }
    : null;
  const early = new EarlyAnswers(lane, express, logger, corsOrigins, misses);
  server.removeListener('request', express);
  server.on('request', early.listener);
}

class EarlyAnswers {
  private readonly security = securityHeaderList();
  readonly listener: Listener = (request, response) => this.handle(request, response);

  constructor(
    private readonly lane: RevalidationLane,
    private readonly express: Listener,
    private readonly logger: AppLogger,
    private readonly corsOrigins: readonly string[],
    private readonly misses: { builders: ReadonlyMap<string, MissBuilder>; cache: AnswerCache } | null,
  ) {}

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const started = Date.now();
    const seen = this.standIn(request);
    const route = seen === null ? null : this.lane.routeFor(request.method, seen.path);
    if (seen === null || route === null) return this.express(request, response);
    this.lane.decide(seen, request, route).then(
      (decided) => {
        // Express also answers 304 when its own freshness test says so: a 200 sent to a request
        // with validators goes through Express, whose lane sends exactly that.
        const validators = request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'];
        if (decided !== null && 'miss' in decided) {
          const build = validators ? undefined : this.missBuilder(request, route, decided);
          if (build !== undefined) return this.build(seen, request, response, decided, build, started);
          markTriedEarly(request);
          this.express(request, response);
        } else if (decided !== null && (decided.body === null || !validators)) {
          this.send(request, response, decided, started);
        } else {
          if (decided === null) markTriedEarly(request);
          this.express(request, response);
        }
      },
      () => {
        markTriedEarly(request);
        this.express(request, response);
      },
    );
  }

  /**
   * How to build this miss here, or undefined to leave it to Nest: only a GET of a list route (no
   * HEAD, no validators) whose answer goes out as it is built (no coding: the compression
   * middleware streams those).
   */
  private missBuilder(request: IncomingMessage, route: RevalidatedRoute, miss: LaneMiss): MissBuilder | undefined {
    if (this.misses === null || request.method !== 'GET' || miss.revalidation.encoding !== 'identity') return undefined;
    return this.misses.builders.get(route.name);
  }

  /** Builds the answer as the route would and sends it; any failure goes to Express and Nest instead. */
  private build(
    seen: Request,
    request: IncomingMessage,
    response: ServerResponse,
    miss: LaneMiss,
    build: MissBuilder,
    started: number,
  ): void {
    // Whatever the builder throws, even before its first await, hands the request to Express.
    Promise.resolve()
      .then(() => build(seen, miss.caller))
      .then((built) => {
        const body = answerBytes(built);
        if (body === undefined) throw new Error('no JSON answer');
        // What the revalidation interceptor keeps for the next request.
        this.misses!.cache.set(miss.revalidation.key, body);
        const { user, caller, kind, revalidation } = miss;
        const answer = { user, caller, kind, tag: revalidation.tag, body, coding: 'identity' as const };
        this.send(request, response, answer, started, false);
        this.lane.builtEarly += 1;
      })
      .catch(() => {
        if (response.headersSent) return response.end();
        markTriedEarly(request);
        this.express(request, response);
      });
  }

  /**
   * What the lane reads of the request, as Express would show it after the middleware ahead of
   * the lane; null when any of that middleware might answer or change it (a body to parse, text
   * the guard refuses, an inference path) or Express would read the URL differently.
   */
  private standIn(request: IncomingMessage): Request | null {
    const { method, url, headers } = request;
    if (method !== 'GET' && method !== 'HEAD') return null;
    if (url === undefined || url[0] !== '/' || UNUSUAL_URL.test(url)) return null;
    if (headers['transfer-encoding'] !== undefined || headers['content-length'] !== undefined) return null;
    if (urlProblem(url) !== null) return null;
    const mark = url.indexOf('?');
    const routed = aliasedUrl(url, mark < 0 ? url : url.slice(0, mark));
    const path = mark < 0 ? routed : routed.slice(0, routed.indexOf('?'));
    if (isInferenceCall(method, path)) return null;
    let query: unknown;
    const standIn = {
      method,
      url: routed,
      originalUrl: url,
      path,
      headers,
      // Express's req.header, referer spelt either way included.
      header(name: string): string | string[] | undefined {
        const lower = name.toLowerCase();
        return lower === 'referer' || lower === 'referrer' ? headers.referrer || headers.referer : headers[lower];
      },
      // The 'simple' query parser app.setup.ts sets: node's querystring.
      get query(): unknown {
        return (query ??= mark < 0 ? {} : parseQuery(url.slice(mark + 1)));
      },
    };
    return standIn as unknown as Request;
  }

  /** The answer as the middleware chain, the lane and Express's res.send would have written it. */
  private send(
    request: IncomingMessage,
    response: ServerResponse,
    decided: LaneAnswer,
    started: number,
    answeredByLane = true,
  ): void {
    const id = assignRequestId(request);
    Object.assign(request, { user: decided.user, caller: decided.caller });
    logWhenDone(this.logger, request, response, started);
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of this.security) headers[name] = value;
    const cors = corsHeaderList(this.corsOrigins, request.headers.origin);
    for (const [name, value] of cors) headers[name] = value;
    headers['x-request-id'] = id;
    headers.ETag = decided.tag;
    headers['Cache-Control'] = REVALIDATED_CACHE_CONTROL;
    headers.Vary = cors.length > 0 ? `Origin, ${revalidationVary(decided.kind)}` : revalidationVary(decided.kind);
    const { body, coding } = decided;
    if (answeredByLane) {
      this.lane.answered += 1;
      this.lane.answeredEarly += 1;
    }
    if (body === null) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    headers['Content-Type'] = 'application/json; charset=utf-8';
    if (coding !== 'identity') headers['Content-Encoding'] = coding;
    headers['Content-Length'] = String(body.length);
    response.writeHead(200, headers);
    if (request.method === 'HEAD') response.end();
    else response.end(body);
  }
}
