import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** `npm start` compiles first (prestart), server and web app: only what changed, and nothing when nothing did. */
describe('the build npm start runs first', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'registry-prestart-'));
    for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json'])
      cpSync(join(ROOT, file), join(dir, file));
    cpSync(join(ROOT, 'web'), join(dir, 'web'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'main.ts'), "import { answer } from './answer';\nconsole.log(answer);\n");
    writeFileSync(join(dir, 'src', 'answer.ts'), 'export const answer = 41;\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const prestart = (): void => void execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: dir, stdio: 'pipe' });
  const built = (file: string): { text: string; mtime: number } => {
    const path = join(dir, 'dist', file);
    return { text: readFileSync(path, 'utf8'), mtime: statSync(path).mtimeMs };
  };

  it('skips an up-to-date build and recompiles a changed source', () => {
    prestart();
    const first = built('answer.js');
    expect(first.text).toContain('41');

    prestart();
    expect(built('answer.js').mtime).toBe(first.mtime);

    writeFileSync(join(dir, 'src', 'answer.ts'), 'export const answer = 42;\n');
    prestart();
    expect(built('answer.js').text).toContain('42');
  });

  it('builds the web app once, skips it while its sources are unchanged, and rebuilds a change', () => {
    prestart();
    const page = built('web/index.html');
    expect(page.text).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);

    prestart();
    expect(built('web/index.html').mtime).toBe(page.mtime);

    const styles = join(dir, 'web', 'src', 'styles.css');
    writeFileSync(styles, readFileSync(styles, 'utf8') + '\n.prestart-probe { color: red; }\n');
    prestart();
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(built('web/index.html').text)![1];
    expect(built(`web${css}`).text).toContain('.prestart-probe');
  });
});
