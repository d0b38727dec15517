import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateModelDto, UpdateModelDto } from '../../src/models/dto/model-requests.dto';
import { importDto } from '../../src/models/import/import-items';

/** What validation answers, as plain data: property, constraints and children, recursively. */
type Plain = { property: string; constraints?: Record<string, string>; children: Plain[] };
const plain = (errors: Awaited<ReturnType<typeof validate>>): Plain[] =>
  errors.map((e) => ({ property: e.property, constraints: e.constraints, children: plain(e.children ?? []) }));
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true };

const GRANT = { principal_type: 'user', principal_id: '3f1c2a9e-6b7d-4c1e-9a55-0d2f8b7e4c11', permission: 'read' };
const inputs: Record<string, unknown>[] = [
  { id: 'a/b', name: 'Fine', base_model_id: 'base', params: { system: 'x' }, meta: { tags: ['x'] } },
  { id: 'a/b', name: 'Grants', base_model_id: 'base', access_grants: [GRANT, { ...GRANT, permission: 'write' }] },
  { id: 'a/b', name: 'Pricing', pricing: { input_per_million: 1, currency: 'eur' }, context_length: 5 },
  { id: 'a/b', name: 'Bad pricing', pricing: { input_per_million: -1, extra: 1 } },
  { id: 'a/b', name: 'Bad grants', access_grants: [{ principal_type: 'robot', x: 1 }, 'text', null] },
  { id: 'a/b', name: 'Grants not a list', access_grants: { principal_type: 'user' } },
  { id: 'bad id!', name: 7, acess_grants: [], is_active: 'yes', supported_endpoint_types: ['chat', 'chat'] },
  { id: 'a/b', user_id: 'someone', user: {}, created_at: 1, updated_at: 2, write_access: true },
  {},
];

describe('importDto builds what plainToInstance builds (the import validates thousands of models)', () => {
  it.each(inputs.flatMap((input) => [[input, false] as const, [input, true] as const]))(
    'answers the same validation for %j (existing: %s)',
    async (input, exists) => {
      const type = exists ? UpdateModelDto : CreateModelDto;
      const expected = plain(await validate(plainToInstance(type, input), OPTIONS));
      const built = importDto(input, exists);
      expect(built).toBeInstanceOf(type);
      expect(plain(await validate(built, OPTIONS))).toEqual(expected);
    },
  );
});
