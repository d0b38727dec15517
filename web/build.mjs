// Builds the web app into dist/web unless nothing it is built from changed since the last build
// (like `tsc -b` for the server): `npm start` runs this every time, so it must be cheap when idle.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = join(WEB, '..');
const OUT = join(ROOT, 'dist', 'web');
const STAMP = join(OUT, '.source-hash');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

/** One hash over every source file of the app (names and contents) and the locked dependency versions. */
function sourceHash() {
  const hash = createHash('sha256');
  const inputs = [...files(WEB), join(ROOT, 'package-lock.json')].filter(existsSync).sort();
  for (const path of inputs) hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
  return hash.digest('hex');
}

const hash = sourceHash();
const built = existsSync(STAMP) && existsSync(join(OUT, 'index.html')) && statSync(STAMP).isFile();
if (built && readFileSync(STAMP, 'utf8') === hash && !process.argv.includes('--force')) {
  console.log('web app: up to date in dist/web');
} else {
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, hash);
  console.log('web app: built into dist/web');
}
