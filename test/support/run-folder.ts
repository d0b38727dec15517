import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary folder per test run. The global setup points TMPDIR at it, so every temporary
 * folder the workers, the services they spawn and scratch PostgreSQL servers make lands inside;
 * the global teardown removes it, after checking each test cleaned up after itself.
 */
/** Caches tools keep in the temporary folder on purpose (ts-node's compile cache in the spawned services). */
const CACHES = /^v8-compile-cache/;

export class RunFolder {
  private readonly own = new Set<string>();

  private constructor(readonly path: string) {}

  static create(): RunFolder {
    // /tmp, not ./.data: when run as root PostgreSQL runs as `postgres`, which must reach the folder.
    const path = mkdtempSync(join(tmpdir(), 'registry-test-run-'));
    chmodSync(path, 0o755);
    process.env.TMPDIR = path;
    return new RunFolder(path);
  }

  /** A folder for the harness itself (left for the teardown to remove). */
  ownFolder(name: string): string {
    const path = join(this.path, name);
    mkdirSync(path, { mode: 0o755 });
    this.own.add(name);
    return path;
  }

  /** Removes the run folder; throws (failing the run) if a test left temporary files behind. */
  removeAndCheck(): void {
    const left = readdirSync(this.path).filter((name) => !this.own.has(name) && !CACHES.test(name));
    rmSync(this.path, { recursive: true, force: true });
    if (left.length > 0) {
      throw new Error(`tests left temporary files behind (removed now): ${left.join(', ')}`);
    }
  }
}
