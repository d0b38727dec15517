import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFlags } from '../../bench/run/service';

const ROOT = join(__dirname, '..', '..');

/** The service runs with the same node flags however it is started: npm start, the image, the bench. */
describe('node flags of the service', () => {
  it('are the same in the Docker image as in npm start (which the bench reads)', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(cmd).not.toBeNull();
    const words = JSON.parse(cmd![1]) as string[];
    expect(words[0]).toBe('node');
    expect(words[words.length - 1]).toBe('dist/main.js');
    expect(words.slice(1, -1)).toEqual(startFlags());
    expect(startFlags()).toEqual(['--max-semi-space-size=2', '--heap-growing-percent=50']);
  });
});
