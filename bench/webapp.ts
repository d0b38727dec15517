import { chromium, type Browser } from '@playwright/test';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from '../test/web/browser';
import { readFixtures } from './run/fixtures';
import { buildService, signIn, startService } from './run/service';
import { openTarget } from './seed/database';

/**
 * The web app's figures (issue 14): the size of what the browser downloads, and the first load of
 * the workspace page in Chromium against the seeded database (bench/README.md, "Web app").
 *   npm run bench:webapp -- [--database-url URL] [--runs 10] [--no-build]
 */
const ROOT = join(__dirname, '..');
const WEB = join(ROOT, 'dist', 'web');
const RESULTS = join(__dirname, 'results');

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.startsWith('.') ? [] : [join(dir, entry.name)],
  );
}

/** Bytes of the app's own files: raw, gzip -9 and brotli -11 (what a static host would send). */
function bundleSizes() {
  const rows = files(WEB).map((path) => {
    const data = readFileSync(path);
    return {
      file: relative(WEB, path),
      raw: statSync(path).size,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const total = rows.reduce(
    (sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip, brotli: sum.brotli + row.brotli }),
    {
      raw: 0,
      gzip: 0,
      brotli: 0,
    },
  );
  return { rows, total };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const max = (values: number[]) => Math.max(...values);

/**
 * Milliseconds from navigation start until the first row of the list is in the page, in a fresh
 * browser context each time (cold cache: every script and style fetched), then once more warm.
 */
async function firstLoads(browser: Browser, baseUrl: string, token: string, runs: number) {
  const cold: number[] = [];
  const warm: number[] = [];
  const steps: { script: number; me: number; list: number }[] = [];
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'token', value: token, url: baseUrl }]);
    const page = await context.newPage();
    for (const into of [cold, warm]) {
      await page.goto(`${baseUrl}/`, { waitUntil: 'commit' });
      // A function, not a string: the page's CSP forbids eval. (No DOM types in the bench's tsconfig.)
      const firstRow = () => {
        const page = globalThis as unknown as {
          document: { querySelector(selector: string): unknown };
          performance: { now(): number; getEntriesByType(type: string): unknown[] };
        };
        if (!page.document.querySelector('ul.models > li')) return null;
        // When each request of the page ended, to see where the time goes.
        const ended = (part: string) =>
          Math.round(
            (page.performance.getEntriesByType('resource') as { name: string; responseEnd: number }[]).find((entry) =>
              entry.name.includes(part),
            )?.responseEnd ?? -1,
          );
        return {
          shown: page.performance.now(),
          script: ended('/assets/'),
          me: ended('/api/auths'),
          list: ended('/api/models/list'),
        };
      };
      const shown = await page.waitForFunction(firstRow, null, { polling: 'raf', timeout: 30_000 });
      const times = (await shown.jsonValue()) as { shown: number; script: number; me: number; list: number };
      into.push(Math.round(times.shown));
      if (into === cold) steps.push(times);
    }
    await context.close();
  }
  return { cold, warm, steps };
}

async function main(): Promise<void> {
  requireChromium();
  const runs = Number(option('runs', '10'));
  if (!process.argv.includes('--no-build')) buildService();
  const bundle = bundleSizes();
  const target = await openTarget(option('database-url', process.env.BENCH_DATABASE_URL ?? '') || null, console.log);
  // The accounts the seed made: stored in the database itself (bench.seed), else the old seed.json.
  const fixtures = await readFixtures(target.url);
  const service = await startService(target.url);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const loadBefore = loadavg()[0];
    const loads = [];
    for (const who of ['typical_user', 'admin'] as const) {
      const token = await signIn(service.baseUrl, fixtures[who].email, fixtures[who].password);
      loads.push({ who, ...(await firstLoads(browser, service.baseUrl, token, runs)) });
    }
    const load = { before: loadBefore, after: loadavg()[0] };
    const report = { at: new Date().toISOString(), models: fixtures.counts.custom_models, runs, load, bundle, loads };
    writeFileSync(join(RESULTS, 'webapp.json'), JSON.stringify(report, null, 2));
    console.log(
      `\nWeb app files (dist/web): ${bundle.total.raw} B raw, ${bundle.total.gzip} B gzip -9, ${bundle.total.brotli} B brotli`,
    );
    for (const row of bundle.rows) console.log(`  ${row.file}: ${row.raw} B raw, ${row.gzip} B gzip`);
    console.log(
      `\nFirst load of the workspace page (${fixtures.counts.custom_models} models), ms to the first row, ${runs} runs, ` +
        `load average ${load.before.toFixed(1)} before, ${load.after.toFixed(1)} after:`,
    );
    console.log('| caller | cold median | cold max | warm median | warm max |\n|---|---|---|---|---|');
    for (const load of loads)
      console.log(
        `| ${load.who} | ${median(load.cold)} | ${max(load.cold)} | ${median(load.warm)} | ${max(load.warm)} |`,
      );
    console.log(
      '\nCold loads, median ms from navigation start to the end of the first asset, /api/auths, /api/models/list:',
    );
    for (const { who, steps } of loads)
      console.log(
        `  ${who}: ${median(steps.map((step) => step.script))}, ${median(steps.map((step) => step.me))}, ${median(steps.map((step) => step.list))}`,
      );
  } finally {
    await browser.close();
    await service.stop();
    await target.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
