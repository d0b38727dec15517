import { getMetadataStorage, validateSync } from 'class-validator';
import fc from 'fast-check';
import { CreateModelDto, UpdateModelDto } from '../../src/models/dto/model-requests.dto';
import { certainlyValid, FAST_CHECKED_PROPERTIES } from '../../src/models/import/import-fast-check';
import { importDto } from '../../src/models/import/import-items';

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true };
const USER = '3f1c2a9e-6b7d-4c1e-9a55-0d2f8b7e4c11';

/** Values near every rule's edges: right and wrong types, lengths, patterns, selectors, nulls. */
const strings = fc.constantFrom(
  'a',
  'a/b:c.d-e_f',
  'Ünïcode 名前',
  '',
  ' ',
  'bad id!',
  'x'.repeat(256),
  'x'.repeat(257),
  'y'.repeat(64),
  'y'.repeat(65),
  '\uFE0F',
  'a\uFE0F',
  '\uD83D\uDE00',
  'tab\there',
  'line\n',
  '*',
  USER,
  'chat',
);
const scalars = fc.oneof(
  strings,
  fc.constantFrom(null, undefined, true, false, 0, 1, -1, 1.5, 2_000_000_000, 2_000_000_001, NaN, Infinity),
);
const grant = fc.oneof(
  fc.record(
    {
      principal_type: fc.oneof(fc.constantFrom('user', 'group', 'anyone', 'robot'), scalars),
      principal_id: scalars,
      permission: fc.oneof(fc.constantFrom('read', 'write', 'admin'), scalars),
      extra: scalars,
    },
    { requiredKeys: [] },
  ),
  scalars,
  fc.constant([]),
);
const anyValue = fc.oneof(
  { weight: 4, arbitrary: scalars },
  { weight: 1, arbitrary: fc.constantFrom({}, { system: 'x' }, [], ['x'], { input_per_million: 1 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('chat', 'completion', 'image', 'nope', 1), { maxLength: 3 }) },
);
const goodGrant = fc.record(
  {
    principal_type: fc.constantFrom('user', 'group', 'anyone'),
    principal_id: fc.constantFrom(USER, '*', 'y'.repeat(64), undefined),
    permission: fc.constantFrom('read', 'write'),
  },
  { requiredKeys: ['principal_type', 'permission'] },
);
/** Mostly values a rule accepts, so that most items are valid and a few fields are not. */
const likely = (good: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: anyValue });
const text = fc.constantFrom('a', 'Ünïcode 名前', 'x'.repeat(256), '\uD83D\uDE00', 'a\uFE0F', null);
const ABSENT = Symbol('absent');
const rare = fc.oneof({ weight: 12, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: anyValue });
const fields: Record<string, fc.Arbitrary<unknown>> = {
  id: likely(fc.constantFrom('a', 'a/b:c.d-e_f', 'x'.repeat(256), 'ä1')),
  name: likely(text),
  base_model_id: likely(text),
  owned_by: likely(text),
  params: likely(fc.constantFrom({}, { system: 'x' }, null)),
  meta: likely(fc.constantFrom({}, { tags: [] }, null)),
  is_active: likely(fc.constantFrom(true, false, null)),
  supported_endpoint_types: likely(fc.constantFrom(['chat'], ['chat', 'image'], [], null)),
  pricing: likely(fc.constantFrom(null, { input_per_million: 1 })),
  context_length: likely(fc.constantFrom(1, 2_000_000_000, null)),
  max_output_tokens: likely(fc.constantFrom(1, 4096, null)),
  version: likely(fc.constantFrom(1, 7, null)),
  access_grants: likely(fc.array(fc.oneof({ weight: 8, arbitrary: goodGrant }, { weight: 1, arbitrary: grant }))),
  user_id: anyValue,
  created_at: anyValue,
  acess_grants: rare,
  constructor: rare,
  hasOwnProperty: rare,
  ['__proto__']: rare,
};
const item = fc
  .record(fields, { requiredKeys: [] })
  .map((input) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ABSENT)));

/** The property names class-validator checks on a DTO class (its whitelist). */
function validatedProperties(type: new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

describe('the import fast check (import-fast-check.ts)', () => {
  it('knows exactly the properties the create and update DTOs validate', () => {
    const known = [...FAST_CHECKED_PROPERTIES].sort();
    expect(validatedProperties(CreateModelDto)).toEqual(known);
    expect(validatedProperties(UpdateModelDto)).toEqual(known);
  });

  it('passes an item only when class-validator finds nothing wrong with it', () => {
    let passed = 0;
    fc.assert(
      fc.property(item, fc.boolean(), (input, exists) => {
        const dto = importDto(input, exists);
        if (!certainlyValid(dto, exists)) return;
        passed += 1;
        expect(validateSync(dto, OPTIONS)).toEqual([]);
      }),
      { numRuns: 20_000, seed: 12 },
    );
    // The generator reaches the fast path often enough for the property to mean something.
    expect(passed).toBeGreaterThan(300);
  });

  const VALID = { id: 'a/b', name: 'Fine', base_model_id: 'base', access_grants: [] as unknown[] };
  const grantsOf = (grant: object, count = 1) => Array.from({ length: count }, () => grant);
  const edges: Array<[string, string, unknown]> = [
    ...['id', 'name', 'base_model_id', 'owned_by'].flatMap((field) =>
      [
        ['empty', ''],
        ['257 characters', 'x'.repeat(257)],
      ].map(([what, text]): [string, string, unknown] => [field, what, text]),
    ),
    ['access_grants', '1,001 grants', grantsOf({ principal_type: 'anyone', permission: 'read' }, 1001)],
    [
      'access_grants',
      'a 65-character id',
      grantsOf({ principal_type: 'user', principal_id: 'y'.repeat(65), permission: 'read' }),
    ],
  ];
  it.each(edges)('refuses what class-validator refuses: %s, %s', (field, _what, edge) => {
    for (const exists of [false, true]) {
      const dto = importDto({ ...VALID, [field]: edge }, exists);
      expect(validateSync(dto, OPTIONS)).not.toEqual([]);
      expect(certainlyValid(dto, exists)).toBe(false);
    }
  });

  it('passes the items of an import with grants, as exported', () => {
    const input = {
      id: 'import-1/model-1',
      name: 'Imported assistant 1',
      base_model_id: 'bench/base',
      params: { system: 'You are assistant number 1.', temperature: 0.3 },
      meta: { description: 'Imported', tags: [{ name: 'imported' }] },
      is_active: true,
      access_grants: [
        { principal_type: 'user', principal_id: USER, permission: 'read' },
        { principal_type: 'anyone', permission: 'read' },
        { principal_type: 'group', principal_id: USER, permission: 'write' },
      ],
    };
    expect(certainlyValid(importDto(input, false), false)).toBe(true);
    expect(certainlyValid(importDto({ id: 'a', meta: { x: 1 } }, true), true)).toBe(true);
  });
});
