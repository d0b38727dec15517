import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { serviceEnv, startEnv, startFlags, withStartEnv } from '../../bench/run/service';

const ROOT = join(__dirname, '..', '..');
const dockerfile = () => readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** The service runs with the same node flags however it is started: npm start, the image, the bench. */
describe('node flags of the service', () => {
  it('are the same in the Docker image as in npm start (which the bench reads)', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile());
    expect(cmd).not.toBeNull();
    const words = JSON.parse(cmd![1]) as string[];
    expect(words[0]).toBe('node');
    expect(words[words.length - 1]).toBe('dist/main.js');
    expect(words.slice(1, -1)).toEqual(startFlags());
    expect(startFlags()).toEqual(['--max-semi-space-size=2', '--heap-growing-percent=50']);
  });
});

/** glibc reads its malloc tunables once, as the process starts: whoever starts node must set them. */
describe('malloc tunables of the service', () => {
  const TUNABLES = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' };

  it('are set by npm start and by the Docker image alike', () => {
    expect(startEnv()).toEqual(TUNABLES);
    // The image's runtime stage (after the last FROM) sets them with ENV.
    const runtime = dockerfile()
      .split(/^FROM /m)
      .pop()!;
    const env = Object.fromEntries(
      [...runtime.matchAll(/^ENV (.+)$/gm)].flatMap((line) => line[1].split(' ').map((pair) => pair.split('=', 2))),
    );
    expect(env).toMatchObject(TUNABLES);
  });

  it("reach the bench's service unless the bench's own environment sets them (empty: unset)", () => {
    expect(withStartEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', ...TUNABLES });
    expect(withStartEnv({ MALLOC_ARENA_MAX: '8' })).toEqual({ ...TUNABLES, MALLOC_ARENA_MAX: '8' });
    expect(withStartEnv({ MALLOC_ARENA_MAX: '' })).toEqual({ MALLOC_TRIM_THRESHOLD_: '131072' });
    const saved = { ...process.env };
    try {
      delete process.env.MALLOC_ARENA_MAX;
      delete process.env.MALLOC_TRIM_THRESHOLD_;
      const env = serviceEnv('postgres://postgres@127.0.0.1:5432/registry_bench');
      rmSync(env.DATA_DIR!, { recursive: true, force: true });
      expect(env).toMatchObject(TUNABLES);
    } finally {
      process.env = saved;
    }
  });
});
