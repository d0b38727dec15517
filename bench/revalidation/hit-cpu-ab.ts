import autocannon from 'autocannon';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { readFixtures } from '../run/fixtures';
import { signInAll, startService } from '../run/service';
import { startServer, ServerProcess } from '../run/server-process';
import { fetchRaw } from './measure';

/*
 * ts-node --transpile-only bench/revalidation/hit-cpu-ab.ts <database url> <rounds> <requests> label=/checkout[,NAME:value;NAME:value] ...
 *   (CELLS="user hit,key 304" picks cells; ACCEPT_ENCODING=gzip asks every request for a coding)
 *
 * CPU per request of answers from the cache and 304s, several builds side by side (each checkout's
 * dist/, answer cache on) and a bare node:http server sending the same bytes: for each cell,
 * `requests` requests at 16 connections per server per round, the order reversed every other round,
 * after a warm-up round. Reads the service's user + system time from /proc, and that of the
 * PostgreSQL backends it holds (by application_name: the barrier's and the pool's), so a cut that
 * moves work into the database shows. Prints medians and each round.
 */
function ticks(pid: number) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
async function main() {
  const [url, roundsS, amountS, ...specs] = process.argv.slice(2);
  const rounds = Number(roundsS),
    amount = Number(amountS);
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const servers: { label: string; s: ServerProcess; app: string | null }[] = [];
  for (const spec of specs) {
    const [label, rest] =
      spec.split('=', 2).length === 2
        ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)]
        : [spec, ''];
    const [root, envs] = rest.split(',');
    const saved = { ...process.env };
    for (const kv of (envs ?? '').split(';').filter(Boolean)) {
      const [k, v] = kv.split(':');
      process.env[k] = v;
    }
    process.env.BENCH_ANSWER_CACHE_MB = process.env.BENCH_ANSWER_CACHE_MB ?? '16';
    const app = `hotab_${label}`;
    const u = `${url}${url.includes('?') ? '&' : '?'}application_name=${app}`;
    servers.push({ label, s: await startService(u, [], undefined, root), app });
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  const c = await signInAll(servers[0].s.baseUrl, await readFixtures(url));
  // ACCEPT_ENCODING=gzip (or br): every request asks for that coding, and the bare server sends the
  // service's compressed bytes with it.
  const acceptEncoding = process.env.ACCEPT_ENCODING;
  const bodies: Record<string, { base64: string; encoding?: string }> = {};
  const cells: { name: string; path: string; headers: Record<string, string>; status: number }[] = [];
  for (const [name, path, tok] of [
    ['user', '/api/models/list', c.user],
    ['key', '/v1/models', c.key],
  ] as const) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${tok}`,
      ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
    };
    await fetchRaw(servers[0].s.baseUrl + path, headers);
    for (const x of servers.slice(1)) await fetchRaw(x.s.baseUrl + path, headers);
    // The second answer is the cache's (with its kept coding, where the build keeps them).
    const first = await fetchRaw(servers[0].s.baseUrl + path, headers);
    const encoding = first.headers['content-encoding'];
    bodies['/' + name] = {
      base64: first.bytes.toString('base64'),
      ...(encoding ? { encoding: String(encoding) } : {}),
    };
    console.log(`${name}: ${first.bytes.length} bytes${encoding ? ` ${String(encoding)}` : ''}`);
    cells.push({ name: `${name} hit`, path, headers, status: 200 });
    cells.push({
      name: `${name} 304`,
      path,
      headers: { ...headers, 'if-none-match': String(first.headers.etag) },
      status: 304,
    });
  }
  const file = join(tmpdir(), `hot-bare-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(bodies));
  const bare = await startServer(
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'bare-server.ts'), file],
    process.env,
    '/health',
  );
  const pgPids = async (app: string) =>
    (
      await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [app])
    ).rows.map((r) => r.pid);
  const res = new Map<string, { cpu: number[]; pg: number[]; rps: number[] }>();
  const loads = [loadavg()[0]];
  for (let r = 0; r <= rounds; r++) {
    for (const cell of cells.filter((x) => !process.env.CELLS || process.env.CELLS.split(',').includes(x.name))) {
      const targets = [
        ...servers.map((x) => ({
          label: x.label,
          url: x.s.baseUrl + cell.path,
          headers: cell.headers,
          pid: x.s.pid,
          app: x.app,
          status: cell.status,
        })),
        ...(cell.status === 200
          ? [
              {
                label: 'bare',
                url: bare.baseUrl + '/' + cell.name.split(' ')[0],
                headers: {},
                pid: bare.pid,
                app: null,
                status: 200,
              },
            ]
          : []),
      ];
      if (r % 2) targets.reverse();
      for (const t of targets) {
        const pids = t.app ? await pgPids(t.app) : [];
        const pg0 = pids.reduce((a, p) => a + ticks(p), 0);
        const c0 = ticks(t.pid);
        const out = await autocannon({
          url: t.url,
          headers: t.headers,
          connections: 16,
          amount: r === 0 ? Math.min(amount, 2000) : amount,
        });
        const ok =
          (out as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats?.[
            String(t.status)
          ]?.count ?? 0;
        const n = r === 0 ? Math.min(amount, 2000) : amount;
        if (ok !== n) console.log(`!! ${t.label} ${cell.name}: ${ok}/${n} status ${t.status}`);
        if (r === 0) continue;
        const cpu = ((ticks(t.pid) - c0) * 10) / n;
        const pg = ((pids.reduce((a, p) => a + ticks(p), 0) - pg0) * 10) / n;
        const k = `${cell.name} | ${t.label}`;
        const e = res.get(k) ?? { cpu: [], pg: [], rps: [] };
        e.cpu.push(cpu);
        e.pg.push(pg);
        e.rps.push(out.requests.average);
        res.set(k, e);
      }
    }
    console.error(`round ${r} load ${loadavg()[0].toFixed(1)}`);
  }
  loads.push(loadavg()[0]);
  console.log(`load ${loads.map((l) => l.toFixed(1)).join(' -> ')}; ${rounds} rounds x ${amount} req; median`);
  console.log('cell | server | svc CPU ms/req | PG CPU ms/req | req/s | cpu per round');
  for (const [k, e] of res)
    console.log(
      `${k} | ${median(e.cpu).toFixed(3)} | ${median(e.pg).toFixed(3)} | ${median(e.rps).toFixed(0)} | ${e.cpu.map((x) => x.toFixed(3)).join(' ')}`,
    );
  await bare.stop();
  for (const x of servers) await x.s.stop();
  await admin.end();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
