import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
/**
 * If a bad value were accepted, the service would start and keep running: stop it after this
 * (compiling main.ts through ts-node alone can take 20 s on a busy machine).
 */
const GIVE_UP_MS = 60000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the real entry point (src/main.ts through ts-node, no build needed) with extra variables. */
function runMain(extraEnv: Record<string, string>, dataDir: string): Promise<Exit> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', ...extraEnv };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: GIVE_UP_MS,
      killSignal: 'SIGTERM',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
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
  }, 90_000);
});
