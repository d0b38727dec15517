import type { Sql } from '../../src/common/sql';
import type { ListableModels } from '../../src/gateway/gateway-query';
import { ModelJsonCache } from '../../src/gateway/model-json-cache';
import { openAiList, openAiListJsonSql, openAiModelsSql, openAiVersionsSql } from '../../src/gateway/openai.format';
import type { ListableQuery } from '../../src/models/model-read.sql';

const json = (id: string, name = id) => `{"id":${JSON.stringify(id)},"name":${JSON.stringify(name)}}`;

/**
 * A list whose PostgreSQL side is played by `versions` (id → row version, in id order) and
 * `models` (id → [version, JSON] as the second statement would read them now); records what was asked.
 */
function keptList(
  cache: ModelJsonCache,
  versions: Array<[string, string]>,
  models: Record<string, [string, string]>,
): ListableModels & { asked: Array<{ shape: string; query: ListableQuery }> } {
  const asked: Array<{ shape: string; query: ListableQuery }> = [];
  const shapes = new Map<(rows: Sql) => Sql, string>([
    [openAiVersionsSql, 'versions'],
    [openAiModelsSql, 'models'],
    [openAiListJsonSql, 'whole'],
  ]);
  return {
    asked,
    modelJson: cache,
    list: () => Promise.reject(new Error('not used')),
    find: () => Promise.reject(new Error('not used')),
    json: (query, shape) => {
      const name = shapes.get(shape) ?? 'unknown';
      asked.push({ shape: name, query });
      if (name === 'versions') return Promise.resolve([Buffer.from(JSON.stringify(versions.flat()))]);
      if (name === 'models') {
        const rows = (query.ids ?? [])
          .filter((id) => models[id] !== undefined)
          .map((id) => Buffer.from(`${models[id][0]}\n${JSON.stringify(id)}\n${models[id][1]}`));
        return Promise.resolve(rows);
      }
      return Promise.resolve([Buffer.from(versions.map(([id]) => models[id]?.[1] ?? json(id, 'whole')).join(','))]);
    },
  };
}

const text = async (models: ListableModels) => (await openAiList(models)).bytes.toString('utf8');
const listOf = (...items: string[]) => `{"object":"list","success":true,"data":[${items.join(',')}]}`;

describe('ModelJsonCache', () => {
  it('answers a kept JSON only for the version it was kept under', () => {
    const cache = new ModelJsonCache(10_000);
    cache.set('a', '7:3', Buffer.from(json('a')));
    expect(cache.get('a', '7:3')?.toString()).toBe(json('a'));
    expect(cache.get('a', '8:3')).toBeUndefined();
    expect(cache.get('a', '7:4')).toBeUndefined();
    expect(cache.get('b', '7:3')).toBeUndefined();
    cache.set('a', '8:3', Buffer.from(json('a', 'new')));
    expect(cache.get('a', '7:3')).toBeUndefined();
    expect(cache.get('a', '8:3')?.toString()).toBe(json('a', 'new'));
    expect(cache.size).toBe(1);
  });

  it('lets models not used since the clock last passed go first once over its bytes, and never keeps one larger than them', () => {
    // Each entry costs its JSON, its id twice and 64: 3 of these fit in 400 bytes.
    const cache = new ModelJsonCache(400);
    const big = (id: string) => Buffer.from(json(id, 'x'.repeat(40)));
    cache.set('a', '1:', big('a'));
    cache.set('b', '1:', big('b'));
    cache.set('c', '1:', big('c'));
    expect(cache.size).toBe(3);
    expect(cache.get('a', '1:')).toBeDefined(); // a is marked used: b goes first
    cache.set('d', '1:', big('d'));
    expect(cache.size).toBe(3);
    expect(cache.get('b', '1:')).toBeUndefined();
    expect(['a', 'c', 'd'].every((id) => cache.get(id, '1:') !== undefined)).toBe(true);
    cache.set('huge', '1:', Buffer.alloc(1000, 'x'));
    expect(cache.get('huge', '1:')).toBeUndefined();
    expect(cache.size).toBe(3);
  });
});

describe('the OpenAI list from kept models', () => {
  it('asks for the versions, builds only what is not kept, then answers from what is kept', async () => {
    const cache = new ModelJsonCache(1_000_000);
    const models = { a: ['1:9', json('a')], b: ['2:', json('b')] } as Record<string, [string, string]>;
    const first = keptList(
      cache,
      [
        ['a', '1:9'],
        ['b', '2:'],
      ],
      models,
    );
    expect(await text(first)).toBe(listOf(json('a'), json('b')));
    expect(first.asked.map((ask) => ask.shape)).toEqual(['versions', 'models']);
    expect(first.asked[1].query.ids).toEqual(['a', 'b']);

    const again = keptList(
      cache,
      [
        ['a', '1:9'],
        ['b', '2:'],
      ],
      models,
    );
    expect(await text(again)).toBe(listOf(json('a'), json('b')));
    expect(again.asked.map((ask) => ask.shape)).toEqual(['versions']);

    // b's base model changed: only b is built again.
    const changed = { ...models, b: ['2:5', json('b', 'inherits anew')] } as Record<string, [string, string]>;
    const third = keptList(
      cache,
      [
        ['a', '1:9'],
        ['b', '2:5'],
      ],
      changed,
    );
    expect(await text(third)).toBe(listOf(json('a'), json('b', 'inherits anew')));
    expect(third.asked.map((ask) => ask.shape)).toEqual(['versions', 'models']);
    expect(third.asked[1].query.ids).toEqual(['b']);
  });

  it('builds the whole list in one statement when a model changed or left between the two statements', async () => {
    const cache = new ModelJsonCache(1_000_000);
    // Written again after the versions were read: the second statement sees a newer version.
    const newer = keptList(cache, [['a', '1:']], { a: ['3:', json('a', 'newer')] });
    expect(await text(newer)).toBe(listOf(json('a', 'newer')));
    expect(newer.asked.map((ask) => ask.shape)).toEqual(['versions', 'models', 'whole']);
    // Gone (deleted, or no longer readable) before the second statement.
    const gone = keptList(
      cache,
      [
        ['a', '3:'],
        ['z', '1:'],
      ],
      { a: ['3:', json('a', 'newer')] },
    );
    expect(await text(gone)).toBe(listOf(json('a', 'newer'), json('z', 'whole')));
    expect(gone.asked.map((ask) => ask.shape)).toEqual(['versions', 'models', 'whole']);
  });

  it('answers an empty list with one statement', async () => {
    const empty = keptList(new ModelJsonCache(1000), [], {});
    expect(await text(empty)).toBe(listOf());
    expect(empty.asked.map((ask) => ask.shape)).toEqual(['versions']);
  });
});
