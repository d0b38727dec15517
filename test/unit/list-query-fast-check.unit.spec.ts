import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import { parse } from 'node:querystring';
import { RequestValidationPipe } from '../../src/common/validation';
import { ListModelsQueryDto } from '../../src/models/dto/list-models-query.dto';
import {
  FAST_CHECKED_LIST_PARAMETERS,
  plainListQuery,
  VALIDATION_SHORTCUTS,
} from '../../src/models/dto/list-query-fast-check';

/** The pipe without its fast path: class-transformer and class-validator, as before. */
const slow = new RequestValidationPipe();
const fast = new RequestValidationPipe(VALIDATION_SHORTCUTS);
const QUERY = { type: 'query' as const, metatype: ListModelsQueryDto };

/** The pipe's answer: the DTO (its class, own keys in order and values) or the refusal's messages. */
async function outcome(pipe: RequestValidationPipe, query: unknown): Promise<unknown> {
  try {
    const dto = (await pipe.transform(query, QUERY)) as object;
    return { prototype: Object.getPrototypeOf(dto) as unknown, entries: Object.entries(dto) };
  } catch (error) {
    return { refused: (error as { getResponse(): unknown }).getResponse() };
  }
}

/** Values near every rule's edges: lengths, selectors, control characters, numbers and near-numbers. */
const values = fc.constantFrom(
  '',
  'coder',
  'Ünïcode 名前',
  'x'.repeat(256),
  'x'.repeat(257),
  'x'.repeat(500),
  'x'.repeat(501),
  '\uD83D\uDE00'.repeat(200),
  'a\uFE0F'.repeat(300),
  'tab\there',
  'nul\u0000',
  'del\u007f',
  ' ',
  'created',
  'shared',
  'Shared',
  'name',
  'created_at',
  'updated_at',
  'asc',
  'desc',
  'DESC',
  '0',
  '1',
  '2',
  '01',
  '+3',
  '-3',
  '1e3',
  '0x10',
  ' 5',
  '5 ',
  '1.5',
  '999999999',
  '1000000000',
  '1000000001',
  '9'.repeat(30),
  'abc',
);
const names = fc.constantFrom(
  'query',
  'view_option',
  'tag',
  'order_by',
  'direction',
  'page',
  'endpoint_type',
  'owned_by',
  'capability',
  'min_context_length',
  'max_input_price',
  'unknown',
  '__proto__',
  'constructor',
  'toString',
);
/** Each parameter's values near its own rule's edges (on both sides), the other edges sometimes. */
const near: Record<string, fc.Arbitrary<string>> = {
  query: fc.constantFrom('coder', '', 'x'.repeat(500), 'x'.repeat(501), '\uD83D\uDE00'.repeat(250), 'a\tb', 'a\u0085b'),
  view_option: fc.constantFrom('created', 'shared', 'Shared', ''),
  tag: fc.constantFrom('chat', '', ' ', 'x'.repeat(256), 'x'.repeat(257), 'a\uFE0F'.repeat(200)),
  order_by: fc.constantFrom('name', 'created_at', 'updated_at', 'size', ''),
  direction: fc.constantFrom('asc', 'desc', 'up', ''),
  page: fc.constantFrom('1', '7', '999999999', '1000000000', '1000000001', '0', '-1', '+2', '02', '2.0', ''),
};
const parameter = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...Object.keys(near)).chain((name) => fc.tuple(fc.constant(name), near[name])),
  },
  { weight: 1, arbitrary: fc.tuple(names, values) },
);
/** Query strings of up to five parameters, a name sometimes repeated (an array once parsed). */
const queryStrings = fc
  .array(parameter, { maxLength: 5 })
  .map((pairs) => pairs.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&'));

describe('the fast path for the list query', () => {
  it('answers what the validation pipe answers for any query string', async () => {
    let fastAnswers = 0;
    await fc.assert(
      fc.asyncProperty(queryStrings, async (text) => {
        if (plainListQuery(parse(text)) !== undefined) fastAnswers += 1;
        expect(await outcome(fast, parse(text))).toEqual(await outcome(slow, parse(text)));
      }),
      { numRuns: 3000 },
    );
    // Most generated queries are not plain; the fast path must still answer a good share itself.
    expect(fastAnswers).toBeGreaterThan(200);
  });

  it.each(['', 'page=2', 'order_by=name&direction=asc', 'view_option=shared', 'query=coder&tag=chat&page=999999999'])(
    'answers the plain query %j itself, as the DTO class',
    async (text) => {
      const dto = plainListQuery(parse(text));
      expect(dto).toBeInstanceOf(ListModelsQueryDto);
      expect(await outcome(fast, parse(text))).toEqual(await outcome(slow, parse(text)));
    },
  );

  it.each(['page=0', 'page=01', 'page=1000000000', 'query=a%00b', 'tag=x&tag=y', 'owned_by=acme', 'sort=name'])(
    'leaves %j to class-validator',
    (text) => {
      expect(plainListQuery(parse(text))).toBeUndefined();
    },
  );

  it('leaves anything but a plain object of strings to the pipe', () => {
    expect(plainListQuery(undefined)).toBeUndefined();
    expect(plainListQuery(null)).toBeUndefined();
    expect(plainListQuery('page=1')).toBeUndefined();
    expect(plainListQuery(Object.assign(Object.create({ page: '2' }) as object, { tag: 'x' }))).toBeUndefined();
    expect(plainListQuery({ page: 2 })).toBeUndefined();
  });

  it('knows only properties the DTO validates', () => {
    const validated = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(ListModelsQueryDto, '', true, false)
        .map((metadata) => metadata.propertyName),
    );
    for (const name of FAST_CHECKED_LIST_PARAMETERS) expect(validated).toContain(name);
  });
});
