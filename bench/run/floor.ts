import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapturedRequest } from './capture';
import { poolSize } from './service';
import { ServerProcess, startServer } from './server-process';

/** Starts floor-server.ts in its own node process, replaying `requests`. */
export function startFloor(databaseUrl: string, requests: CapturedRequest[]): Promise<ServerProcess> {
  const file = join(tmpdir(), `registry-bench-floor-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(requests));
  const env = { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, DB_POOL_SIZE: String(poolSize()) };
  const args = ['-r', 'ts-node/register/transpile-only', join(__dirname, 'floor-server.ts'), file];
  return startServer(args, env, '/health');
}
