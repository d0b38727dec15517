import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEntryPoint } from './support/child-service';

/** If a bad value were accepted, the service would start and keep running: stop it after this. */
const GIVE_UP_MS = 45_000;

/** Runs the real entry point with extra variables and no database configured; resolves on exit. */
async function runMain(extraEnv: Record<string, string>, dataDir: string) {
  const main = spawnEntryPoint({ DATA_DIR: dataDir, PORT: '0', ...extraEnv }, GIVE_UP_MS);
  return { ...(await main.exited), stderr: main.log() };
}

describe('the entry point (src/main.ts) with a bad configuration', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'registry-startup-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  // One variable is enough to prove the wiring (each compile of src/main.ts costs seconds);
  // test/config.spec.ts covers every variable.
  it('exits non-zero before starting anything, with a message naming the variable', async () => {
    const name = 'BYPASS_ADMIN_ACCESS_CONTROL';
    const exit = await runMain({ [name]: 'maybe' }, dataDir);
    expect(exit.signal).toBeNull();
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toMatch(new RegExp(`^Configuration error: .*${name}`, 'm'));
    // No stack trace, and no embedded PostgreSQL was started.
    expect(exit.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dataDir, 'pg'))).toBe(false);
  });
});
