import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The contract lives in docs/ and a clone must be able to follow every link: a link to a missing
 * file, to a heading that is not there, or out of the repository (the old `../shared/SPEC.md`)
 * fails here.
 */
const ROOT = resolve(__dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
/** The bench's results: the README's Performance section links into them (history.md above all). */
const RESULTS = join(ROOT, 'bench', 'results');

function markdownIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(dir, name));
}

function markdownFiles(): string[] {
  return [
    join(ROOT, 'README.md'),
    join(ROOT, 'SECURITY.md'),
    join(ROOT, 'bench', 'README.md'),
    ...markdownIn(DOCS),
    ...markdownIn(RESULTS),
  ];
}

/** Link targets of `[text](target)`, outside fenced code blocks. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\[[^\]]*\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]);
}

/** GitHub's anchor for a heading: lower-cased, punctuation dropped, spaces to hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const prose = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  const anchors = new Set<string>();
  for (const [, heading] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = headingAnchor(heading);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

/** Problems with one file's relative links, as readable lines. */
function brokenLinks(file: string): string[] {
  const problems: string[] = [];
  const name = relative(ROOT, file);
  for (const target of linkTargets(readFileSync(file, 'utf8'))) {
    if (isExternal(target)) continue;
    const [path, anchor] = target.split('#', 2);
    const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (resolved !== ROOT && !resolved.startsWith(ROOT + sep)) {
      problems.push(`${name}: ${target} points outside the repository`);
    } else if (!existsSync(resolved)) {
      problems.push(`${name}: ${target} does not exist`);
    } else if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchorsOf(resolved).has(anchor)) {
      problems.push(`${name}: ${target} names a heading that ${relative(ROOT, resolved)} does not have`);
    }
  }
  return problems;
}

/** Every .ts file of src/, test/ and bench/. */
function sourceFiles(dir = ROOT, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && (dir !== ROOT || ['src', 'test', 'bench'].includes(entry.name)))
      sourceFiles(path, found);
    else if (entry.isFile() && dir !== ROOT && entry.name.endsWith('.ts')) found.push(path);
  }
  return found;
}

describe('links in the README, docs/ and bench/results/', () => {
  it('finds the links it checks (the extractor is not blind)', () => {
    expect(linkTargets('see [a](docs/a.md#x), [b](../b.md "title") and\n```\n[c](skip.md)\n```\n')).toEqual([
      'docs/a.md#x',
      '../b.md',
    ]);
    expect(headingAnchor('The workspace list: `GET /api/models/list`')).toBe('the-workspace-list-get-apimodelslist');
    expect(linkTargets(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
  });

  it('point only at files and headings inside the repository', () => {
    expect(markdownFiles().flatMap(brokenLinks)).toEqual([]);
  });

  it('are what code comments cite: docs pages that exist, not the old SPEC sections', () => {
    const problems = sourceFiles()
      .filter((file) => file !== __filename)
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        const missing = [...text.matchAll(/\bdocs\/[\w-]+\.md\b/g)]
          .map((match) => match[0])
          .filter((page) => !existsSync(join(ROOT, page)))
          .map((page) => `${relative(ROOT, file)} cites ${page}, which does not exist`);
        const spec = /SPEC §/.test(text) ? [`${relative(ROOT, file)} cites "SPEC §": point it at a docs/ page`] : [];
        return [...missing, ...spec];
      });
    expect(problems).toEqual([]);
  });

  it('show only screenshots the browser tests make (so each run redraws them from the app as built)', () => {
    const shown = [
      ...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/!\[[^\]]*\]\(docs\/screenshots\/([\w-]+)\.png\)/g),
    ].map((match) => match[1]);
    const web = join(ROOT, 'test', 'web');
    const made = readdirSync(web)
      .filter((name) => name.endsWith('.pw.ts'))
      .flatMap((name) => [...readFileSync(join(web, name), 'utf8').matchAll(/screenshot\(page, '([\w-]+)'/g)])
      .map((match) => match[1]);
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.filter((name) => !made.includes(name))).toEqual([]);
  });

  it('never send the reader outside the repository, linked or not', () => {
    const outside = markdownFiles().filter((file) => readFileSync(file, 'utf8').includes('../shared'));
    expect(outside.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
