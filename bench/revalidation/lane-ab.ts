import { loadavg } from 'node:os';
import { readFixtures } from '../run/fixtures';
import { signInAll, startService } from '../run/service';
import { fetchRaw, measure } from './measure';

/*
 * ts-node --transpile-only bench/revalidation/lane-ab.ts <database url> [rounds]
 * The revalidation lane on and off (REVALIDATION_LANE) in one build, cache on, interleaved rounds:
 * req/s and service CPU ms/req of a 304 and a cache hit, user page 1 and /v1/models with the key.
 */
async function main(): Promise<void> {
  const url = process.argv[2];
  const rounds = Number(process.argv[3] ?? 3);
  process.env.BENCH_ANSWER_CACHE_MB = '16';
  process.env.REVALIDATION_LANE = 'true';
  const on = await startService(url);
  process.env.REVALIDATION_LANE = 'false';
  const off = await startService(url);
  const loads = [loadavg()[0]];
  try {
    const c = await signInAll(on.baseUrl, await readFixtures(url));
    const cells: Array<{ name: string; status: number; headers: Record<string, string>; path: string }> = [];
    for (const [scenario, path, auth] of [
      ['user', '/api/models/list', c.user],
      ['key', '/v1/models', c.key],
    ]) {
      const headers = { authorization: `Bearer ${auth}` };
      const first = await fetchRaw(on.baseUrl + path, headers);
      await fetchRaw(off.baseUrl + path, headers);
      cells.push({
        name: `${scenario} 304`,
        status: 304,
        path,
        headers: { ...headers, 'if-none-match': String(first.headers.etag) },
      });
      cells.push({ name: `${scenario} cache hit`, status: 200, path, headers });
    }
    const results = new Map<string, Array<[number, number]>>();
    for (let round = 0; round < rounds; round += 1) {
      for (const cell of cells) {
        for (const [label, s] of [
          ['on', on],
          ['off', off],
        ] as const) {
          const m = await measure(
            { url: s.baseUrl + cell.path, headers: cell.headers, pid: s.pid },
            cell.status,
            16,
            3,
            round === 0 ? 1 : 0,
          );
          const key = `${cell.name} lane ${label}`;
          results.set(key, [...(results.get(key) ?? []), [m.rps, m.cpuMsPerRequest]]);
          if (m.unexpected > 0) console.log('unexpected', key, m.unexpected);
        }
      }
    }
    loads.push(loadavg()[0]);
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    for (const [key, values] of results) {
      console.log(
        `${key}: ${med(values.map((v) => v[0])).toFixed(0)} req/s (${values.map((v) => v[0].toFixed(0)).join(' / ')}), CPU ${med(values.map((v) => v[1])).toFixed(2)} ms/req (${values.map((v) => v[1].toFixed(2)).join(' / ')})`,
      );
    }
    console.log(`load ${loads.map((l) => l.toFixed(1)).join(' → ')}`);
  } finally {
    await on.stop();
    await off.stop();
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
