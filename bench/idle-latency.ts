import { loadavg } from 'node:os';
import { requestHeaders } from './run/scenarios';
import { signedInScenarios, startService } from './run/service';

/*
 * npx ts-node --transpile-only bench/idle-latency.ts --database-url …/registry_bench_company [--idle 11] [--times 6] [--only user-page1]
 * A request after the service sat idle `--idle` seconds (longer than the pool's idle timeout, 10 s by
 * default, so its connections were closed) against the same request sent straight after: what the
 * first keystroke after a pause waits for new PostgreSQL connections and their cold catalog caches.
 * `--node-args` and DB_* variables pass to the service as in the load run.
 */
const option = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};

async function main(): Promise<void> {
  const url = option('database-url', process.env.BENCH_DATABASE_URL ?? '');
  const idle = Number(option('idle', '11'));
  const times = Number(option('times', '6'));
  const service = await startService(url);
  try {
    const { credentials, scenarios } = await signedInScenarios(service.baseUrl, url, [option('only', 'user-page1')]);
    for (const scenario of scenarios) {
      const send = async () => {
        const started = performance.now();
        const response = await fetch(service.baseUrl + scenario.path, {
          headers: requestHeaders(scenario, credentials),
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${scenario.path}: ${response.status}`);
        return performance.now() - started;
      };
      for (let i = 0; i < 5; i++) await send();
      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < times; i++) {
        await new Promise((resolve) => setTimeout(resolve, idle * 1000));
        cold.push(await send());
        warm.push(await send());
      }
      const show = (values: number[]) => values.map((v) => v.toFixed(1)).join(' ');
      console.log(
        `${scenario.name} load ${loadavg()[0].toFixed(1)}: after ${idle} s idle ${show(cold)} ms; straight after ${show(warm)} ms`,
      );
    }
  } finally {
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
