import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export interface EnvFileResult {
  path: string;
  /** Variables taken from the file. */
  applied: string[];
  /** Variables the file sets but the environment already had: the environment wins. */
  overridden: string[];
}

/**
 * Reads `.env` from the working directory into `env`, for `npm start` only (main.ts): tests and
 * the bench build their configuration themselves. Variables already set in the environment win.
 * Returns null when there is no such file.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv, file = resolve('.env')): EnvFileResult | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const result: EnvFileResult = { path: file, applied: [], overridden: [] };
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] !== undefined) {
      result.overridden.push(name);
    } else {
      env[name] = value;
      result.applied.push(name);
    }
  }
  return result;
}
