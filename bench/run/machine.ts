import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';

async function serverVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  } finally {
    await client.end();
  }
}

/** The commit the run measured, marked when the work tree differs from it. */
function codeVersion(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: __dirname, encoding: 'utf8' }).stdout.trim();
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--untracked-files=no', '--', '../../src').length > 0
    ? `${commit} + changes in src/`
    : commit;
}

export async function describeMachine(url: string): Promise<string> {
  const cpu = cpus();
  const memory = (totalmem() / 2 ** 30).toFixed(1);
  const postgres = await serverVersion(url);
  return `${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${memory} GiB RAM, Node ${process.version}, PostgreSQL ${postgres}; code ${codeVersion()}`;
}

/** The load averages before the run, and the 1-minute one after each scenario of the load phase. */
export function describeLoad(before: string, during: number[]): string {
  const range = `${Math.min(...during).toFixed(1)}–${Math.max(...during).toFixed(1)}`;
  return `${before} (1, 5, 15 min) before the run; 1-min ${range} during the load phase, the run itself included`;
}
