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

describe('the OpenAI list: whole answers kept by their versions text', () => {
  const list = (cache: ModelJsonCache, versions: Array<[string, string]>, models: Record<string, [string, string]>) =>
    keptList(cache, versions, models);
  const bytesOf = async (models: ListableModels) => (await openAiList(models)).bytes;

  it('answers the same list of ids and versions with the bytes kept, and any other list anew', async () => {
    const cache = new ModelJsonCache(1_000_000, 1_000_000);
    const models: Record<string, [string, string]> = {
      a: ['1:9', json('a')],
      b: ['2:', json('b')],
      c: ['4:9', json('c')],
    };
    const ab: Array<[string, string]> = [
      ['a', '1:9'],
      ['b', '2:'],
    ];
    const first = await bytesOf(list(cache, ab, models));
    expect(first.toString()).toBe(listOf(json('a'), json('b')));
    expect(cache.answerBytes).toBeGreaterThan(first.length);
    const repeated = list(cache, ab, models);
    // The very bytes kept: no model looked up, nothing joined.
    expect(await bytesOf(repeated)).toBe(first);
    expect(repeated.asked.map((ask) => ask.shape)).toEqual(['versions']);

    // Each kind of change gives another versions text, so never the kept answer.
    const cases: Array<[string, Array<[string, string]>, Record<string, [string, string]>, string]> = [
      [
        'the model rewritten',
        [
          ['a', '3:9'],
          ['b', '2:'],
        ],
        { ...models, a: ['3:9', json('a', 'renamed')] },
        listOf(json('a', 'renamed'), json('b')),
      ],
      [
        'its base model rewritten',
        [
          ['a', '1:10'],
          ['b', '2:'],
        ],
        { ...models, a: ['1:10', json('a', 'base')] },
        listOf(json('a', 'base'), json('b')),
      ],
      ['a model no longer readable (access, allow-list, hidden)', [['a', '1:9']], models, listOf(json('a'))],
      [
        'a model newly readable',
        [
          ['a', '1:9'],
          ['b', '2:'],
          ['c', '4:9'],
        ],
        models,
        listOf(json('a'), json('b'), json('c')),
      ],
      [
        'another model in its place',
        [
          ['a', '1:9'],
          ['c', '4:9'],
        ],
        models,
        listOf(json('a'), json('c')),
      ],
    ];
    for (const [change, versions, now, want] of cases) {
      const after = await bytesOf(list(cache, versions, now));
      expect({ change, text: after.toString() }).toEqual({ change, text: want });
      expect(after).not.toBe(first);
    }
    // The first list again, as it still is: its kept answer.
    expect(await bytesOf(list(cache, ab, models))).toBe(first);
  });

  it('keeps no whole answer when asked to keep none, nor one over a quarter of its bound, nor a list built whole', async () => {
    const models: Record<string, [string, string]> = { a: ['1:', json('a', 'x'.repeat(200))] };
    for (const cache of [new ModelJsonCache(1_000_000), new ModelJsonCache(1_000_000, 800)]) {
      const first = await bytesOf(list(cache, [['a', '1:']], models));
      const again = await bytesOf(list(cache, [['a', '1:']], models));
      expect(again.toString()).toBe(first.toString());
      expect(again).not.toBe(first);
      expect(cache.answerBytes).toBe(0);
    }
    const cache = new ModelJsonCache(1_000_000, 1_000_000);
    // Changed between the two statements: built whole, in one snapshot, and not kept.
    await bytesOf(list(cache, [['a', '1:']], { a: ['3:', json('a', 'newer')] }));
    expect(cache.answerBytes).toBe(0);
  });

  it('lets the least recently used answers go first once over its bound', async () => {
    const one = (id: string) => ({ [id]: ['1:', json(id, 'y'.repeat(150))] }) as Record<string, [string, string]>;
    const cache = new ModelJsonCache(1_000_000, 2_000);
    const a = await bytesOf(list(cache, [['a', '1:']], one('a')));
    const b = await bytesOf(list(cache, [['b', '1:']], one('b')));
    expect(await bytesOf(list(cache, [['a', '1:']], one('a')))).toBe(a);
    for (const id of ['c', 'd', 'e', 'f', 'g', 'h']) await bytesOf(list(cache, [[id, '1:']], one(id)));
    expect(cache.answerBytes).toBeLessThanOrEqual(2_000);
    expect(await bytesOf(list(cache, [['b', '1:']], one('b')))).not.toBe(b);
  });
});
