import { Writable } from 'node:stream';
import { RevalidationLane } from '../../src/auth/revalidation-lane';
import { createApp } from '../../src/app.setup';
import type { RuntimeConfig } from '../../src/config/app-config';
import { createLogger } from '../../src/logging/logger';
import { listenForTests, testConfigFor } from './app-on-database';
import type { TestApp } from './test-app';

/** The origin CORS allows in the apps below. */
export const ALLOWED_ORIGIN = 'https://app.example';

/** The request lines an app wrote, by request id, without the clock's fields. */
function logSink(): { stream: Writable; lines: Map<string, unknown> } {
  const lines = new Map<string, unknown>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const { time: _time, ms: _ms, ...line } = JSON.parse(text) as Record<string, unknown>;
        if (typeof line.reqId === 'string') lines.set(line.reqId, line);
      }
      done();
    },
  });
  return { stream, lines };
}

/** An app under test with its JSON request log kept by request id, and its revalidation lane. */
export interface LoggedApp {
  t: TestApp;
  lines: Map<string, unknown>;
  lane: RevalidationLane;
}

/** An app on `url` with CORS for ALLOWED_ORIGIN and JSON info logs, so two apps' answers and lines compare. */
export async function startLogged(url: string, overrides: Partial<RuntimeConfig>): Promise<LoggedApp> {
  const config = testConfigFor(url, {
    corsOrigins: [ALLOWED_ORIGIN],
    logLevel: 'info',
    logFormat: 'json',
    ...overrides,
  });
  const sink = logSink();
  const t = await listenForTests(await createApp(config, createLogger(config, sink.stream)), config);
  return { t, lines: sink.lines, lane: RevalidationLane.of(t.app)! };
}
