import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface MainExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The real entry point as a person runs it, with its stdout and stderr captured. */
export interface MainProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<MainExit>;
  /** Resolves once stdout matches; rejects (with the output) if the process exits or time runs out. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends the signal and resolves with the exit. */
  stop(signal?: NodeJS.Signals): Promise<MainExit>;
}

/**
 * Runs src/main.ts through ts-node (no build needed) or `command`, from `cwd`, with the test
 * runner's environment minus its database and NODE_ENV, plus `env`.
 */
export function spawnMain(
  env: Record<string, string>,
  options: { cwd?: string; command?: string[]; keepNodeEnv?: boolean } = {},
): MainProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') };
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'LOG_LEVEL', 'LOG_FORMAT', 'PORT', 'DATA_DIR']) {
    delete childEnv[name];
  }
  if (!options.keepNodeEnv) delete childEnv.NODE_ENV;
  const command = options.command ?? [
    process.execPath,
    '-r',
    require.resolve('ts-node/register/transpile-only'),
    join(ROOT, 'src', 'main.ts'),
  ];
  const child = spawn(command[0], command.slice(1), {
    cwd: options.cwd ?? ROOT,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<MainExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStdout: async (pattern, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (!running() || Date.now() > deadline) {
          throw new Error(`no ${String(pattern)} in the output:\n${stdout}\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: async (signal = 'SIGTERM') => {
      if (running()) child.kill(signal);
      return exited;
    },
  };
}
