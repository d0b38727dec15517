import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process';
import { withStartEnv } from './service';

export interface TracedService {
  baseUrl: string;
  /** The service's stdout and stderr, --trace-gc lines included. */
  log: string;
  child: ChildProcess;
}

/**
 * The built service of `root` (a checkout with dist/) started with `flags` and --trace-gc, its
 * answer cache off, on `url`; resolves once /health answers. bench/gc-latency.ts and
 * bench/key-gc.ts read its GC lines from `log`.
 */
export async function startTracedService(
  url: string,
  flags: readonly string[],
  label: string,
  root = join(__dirname, '..', '..'),
): Promise<TracedService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `gc-${label.replace(/[^\w-]/g, '_')}-`));
  const log = join(dir, 'stdout');
  const out = openSync(log, 'w');
  const child = spawn(process.execPath, [...flags, '--trace-gc', 'dist/main.js'], {
    cwd: root,
    env: withStartEnv({
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      ANSWER_CACHE_MB: '0',
      DATA_DIR: dir,
      PORT: String(port),
      JWT_SECRET: 'gc-latency-secret-0123456789abcdef0123456789',
    }),
    stdio: ['ignore', out, out],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, log, child };
}
