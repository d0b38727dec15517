/*
 * npx ts-node --transpile-only bench/key-gc.ts  (env: ROOT=<checkout with dist/> FLAGS="<node flags>" SCEN=key-openai N=1000
 *   [EXTRA="<more node flags>"] [LABEL=…] [SHOW=1]; database registry_bench_company)
 *
 * N one-at-a-time requests of one scenario (after 200 of warm-up) against the service of ROOT started with
 * FLAGS, --trace-gc and its answer cache off: p50/p90/p99, the service CPU ms per request (/proc), scavenges
 * and full collections per request with their pause ms per request, and what started the full ones. Run it
 * for two checkouts or flag sets in turn, several times, to compare (README, "Where the single-connection
 * tail comes from").
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
/* eslint-disable */
const { readFixtures } = require('./run/fixtures');
const { makeScenarios, requestHeaders } = require('./run/scenarios');
const { anthropicAfterId, signInAll } = require('./run/service');
import { startTracedService } from './run/traced-service';
const [root, flags, scen, n] = [
  process.env.ROOT!,
  (process.env.FLAGS ?? '').split(' ').filter(Boolean),
  process.env.SCEN ?? 'key-openai',
  Number(process.env.N ?? 1000),
];
const extra = (process.env.EXTRA ?? '').split(' ').filter(Boolean);
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_company';
function once(agent: Agent, u: string, headers: any): Promise<[number, number]> {
  return new Promise((res, rej) => {
    const t = performance.now();
    let b = 0;
    request(u, { agent, headers }, (r) => {
      r.on('data', (c) => (b += c.length));
      r.on('end', () => res([performance.now() - t, b]));
    })
      .on('error', rej)
      .end();
  });
}
(async () => {
  const {
    baseUrl: base,
    log,
    child,
  } = await startTracedService(url, [...flags, ...extra], process.env.LABEL ?? 'key', root);
  try {
    const fx = await readFixtures(url);
    const cred = await signInAll(base, fx);
    const s = makeScenarios(fx, await anthropicAfterId(base, cred)).find((x: any) => x.name === scen);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const h = requestHeaders(s, cred);
    for (let i = 0; i < 200; i++) await once(agent, base + s.path, h);
    const before = readFileSync(log, 'utf8').length;
    const cpu0 = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(' ');
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const [t, b] = await once(agent, base + s.path, h);
      times.push(t);
      bytes = b;
    }
    const cpu1 = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(' ');
    const cpu = ((Number(cpu1[13]) + Number(cpu1[14]) - Number(cpu0[13]) - Number(cpu0[14])) * 10) / n;
    const text = readFileSync(log, 'utf8')
      .slice(before)
      .split('\n')
      .filter((l) => /ms: (Scavenge|Mark|Minor)/.test(l));
    const mc = text.filter((l) => /Mark-Compact|Mark-sweep/.test(l));
    const sc = text.filter((l) => /Scavenge/.test(l));
    const ms = (l: string) => Number(/([\d.]+) \/ [\d.]+ ms/.exec(l)?.[1] ?? 0);
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(n - 1, Math.ceil(q * n) - 1)].toFixed(1);
    const reasons = new Map<string, number>();
    for (const l of mc) {
      const r = l.replace(/.*\) /, '').slice(0, 90);
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    console.log(
      `${process.env.LABEL ?? root} load ${loadavg()[0].toFixed(1)} bytes ${bytes} n ${n}: p50 ${p(0.5)} p90 ${p(0.9)} p99 ${p(0.99)} max ${times[n - 1].toFixed(1)}; cpu ${cpu.toFixed(2)} ms/req; scavenges ${(sc.length / n).toFixed(3)}/req ${(sc.map(ms).reduce((a, b) => a + b, 0) / n).toFixed(2)} ms/req; full ${(mc.length / n).toFixed(3)}/req ${(mc.map(ms).reduce((a, b) => a + b, 0) / n).toFixed(2)} ms/req`,
    );
    for (const [r, c] of reasons) console.log(`   ${c} × ${r}`);
    if (process.env.SHOW) for (const l of mc.slice(0, 3)) console.log('   ' + l);
  } finally {
    child.kill('SIGTERM');
  }
})();
