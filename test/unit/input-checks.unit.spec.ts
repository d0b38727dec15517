import { BadRequestException } from '@nestjs/common';
import { AccessGrantDto } from '../../src/access/dto/access-grant.dto';
import { RequestValidationPipe } from '../../src/common/validation';
import { CreateApiKeyDto } from '../../src/api-keys/dto/api-key.dto';
import { SignUpDto } from '../../src/auth/dto/auth.dto';
import { CreateGroupDto } from '../../src/groups/dto/group.dto';
import { ListModelsQueryDto } from '../../src/models/dto/list-models-query.dto';
import { CreateModelDto, UpdateModelDto } from '../../src/models/dto/model-requests.dto';
import { checkParams, normaliseMeta, normalisePricing } from '../../src/models/model-input';
import { CreateUserDto } from '../../src/users/dto/user-requests.dto';

/** The global pipe, as configureApp installs it. */
const pipe = new RequestValidationPipe();

type Dto = new () => object;

/** The value as the route would receive it, or the 400's messages. */
async function check(dto: Dto, value: unknown, type: 'body' | 'query' = 'body'): Promise<object | string[]> {
  try {
    return (await pipe.transform(value, { type, metatype: dto })) as object;
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
}

/** The 400's messages; fails if the value passes. */
async function refused(dto: Dto, value: unknown, type: 'body' | 'query' = 'body'): Promise<string[]> {
  const result = await check(dto, value, type);
  if (!Array.isArray(result)) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result;
}

const MODEL = { id: 'acme/coder:1.0', name: 'Coder', base_model_id: 'openai/gpt-4o' };
const USER = { name: 'Eve', email: 'eve@example.test', password: 'correct-horse-battery' };

describe('model ids and names', () => {
  it.each(['a', 'acme/coder:1.0', 'org/sub/model_v2.1-beta', 'Écrivain', '模型', '٣', 'x'.repeat(256)])(
    'accepts the id %s',
    async (id) => {
      expect(await check(CreateModelDto, { ...MODEL, id })).toMatchObject({ id });
    },
  );

  it.each([
    ['empty', '', 'id must be longer than or equal to 1 characters'],
    ['257 characters', 'x'.repeat(257), 'id must be shorter than or equal to 256 characters'],
    ['with a space', 'acme coder', 'id may contain only letters, digits and / : . - _'],
    ['with a tab', 'acme\tcoder', 'id may contain only letters, digits and / : . - _'],
    ['with a newline', 'acme\ncoder', 'id may contain only letters, digits and / : . - _'],
    ['with DEL', 'acme\u007f', 'id may contain only letters, digits and / : . - _'],
    ['with an emoji', 'acme/😀', 'id may contain only letters, digits and / : . - _'],
    ['with a query character', 'acme?x=1', 'id may contain only letters, digits and / : . - _'],
    ['with a percent sign', 'acme%2F', 'id may contain only letters, digits and / : . - _'],
  ])('refuses an id %s', async (_what, id, message) => {
    expect(await refused(CreateModelDto, { ...MODEL, id })).toEqual([message]);
  });

  it.each(['Coder 😀 v2', 'Zoë', '  spaced  ', 'x'.repeat(256)])('accepts the name %j', async (name) => {
    expect(await check(CreateModelDto, { ...MODEL, name })).toMatchObject({ name });
  });

  it.each([
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['an escape', '\u001b[31mred'],
    ['a C1 control', 'a\u0085b'],
  ])('refuses a name with %s', async (_what, name) => {
    expect(await refused(CreateModelDto, { ...MODEL, name })).toEqual(['name must not contain control characters']);
  });

  it('requires a name on create, not on update', async () => {
    expect(await refused(CreateModelDto, { id: 'a' })).toEqual(['name is required']);
    expect(await check(UpdateModelDto, { id: 'a' })).toEqual({ id: 'a' });
  });
});

describe('model fields', () => {
  it('refuses unknown fields, naming them', async () => {
    expect(await refused(CreateModelDto, { ...MODEL, is_public: true, acess_grants: [] })).toEqual([
      'property is_public should not exist',
      'property acess_grants should not exist',
    ]);
  });

  it('accepts the server fields a model answer carries (Open WebUI sends them back)', async () => {
    const sent = { ...MODEL, user_id: 'x', write_access: true, user: null, created_at: 1, updated_at: 1 };
    expect(await check(CreateModelDto, sent)).toMatchObject(MODEL);
  });

  it.each([
    [{ context_length: 0 }, 'context_length must not be less than 1'],
    [{ context_length: 2_000_000_001 }, 'context_length must not be greater than 2000000000'],
    [{ context_length: 1.5 }, 'context_length must be an integer number'],
    [{ supported_endpoint_types: ['chat', 'chat'] }, "All supported_endpoint_types's elements must be unique"],
    [{ supported_endpoint_types: ['telepathy'] }, 'each value in supported_endpoint_types must be one of the following values: chat, completion, embedding, image, audio, rerank'],
    [{ pricing: { input_per_million: -1 } }, 'pricing.input_per_million must not be less than 0'],
    [{ pricing: { currency: 'EURO' } }, 'pricing.currency must be a 3-letter currency code'],
    [{ access_grants: [{ principal_type: 'role', principal_id: 'x', permission: 'read' }] }, 'access_grants.0.principal_type must be one of the following values: user, group, anyone'],
    [{ access_grants: Array.from({ length: 1001 }, () => ({})) }, 'access_grants must contain no more than 1000 elements'],
  ])('refuses %j, naming the field', async (fields, message) => {
    expect(await refused(CreateModelDto, { ...MODEL, ...fields })).toEqual([message]);
  }); // prettier-ignore

  it('takes nulls where a field may be cleared', async () => {
    const cleared = { owned_by: null, pricing: null, context_length: null, supported_endpoint_types: null };
    expect(await check(UpdateModelDto, { id: 'a', ...cleared })).toEqual({ id: 'a', ...cleared });
  });
});

describe('a wrong type is reported as a wrong type, before lengths and patterns', () => {
  const strings: Array<[string, Dto, object, string]> = [
    ['model id', CreateModelDto, MODEL, 'id'],
    ['model name', CreateModelDto, MODEL, 'name'],
    ['base model', CreateModelDto, MODEL, 'base_model_id'],
    ['user name', CreateUserDto, USER, 'name'],
    ['user email', CreateUserDto, USER, 'email'],
    ['password', SignUpDto, USER, 'password'],
    ['username', CreateUserDto, USER, 'username'],
    ['group name', CreateGroupDto, { name: 'g' }, 'name'],
    ['key name', CreateApiKeyDto, { name: 'k' }, 'name'],
    ['grant principal', AccessGrantDto, { principal_type: 'user', principal_id: '*', permission: 'read' }, 'principal_id'],
  ]; // prettier-ignore

  it.each(strings)('%s', async (_what, dto, valid, field) => {
    for (const wrong of [123, true, ['x'], { $ne: null }]) {
      expect(await refused(dto, { ...valid, [field]: wrong })).toEqual([`${field} must be a string`]);
    }
  });
});

describe('user input', () => {
  it('trims names, emails and usernames', async () => {
    const body = { name: '  Eve  ', email: ' eve@example.test ', password: USER.password, username: ' eve_1 ' };
    expect(await check(CreateUserDto, body)).toEqual({
      ...body,
      name: 'Eve',
      email: 'eve@example.test',
      username: 'eve_1',
    });
  });

  it.each([
    [{ email: 'not-an-email' }, 'email must be an email'],
    [{ password: 'short' }, 'password must be at least 8 characters'],
    [{ password: 'é'.repeat(37) }, 'password must be at most 72 bytes'],
    [{ username: 'eve smith' }, 'username may contain letters, digits, ".", "_" and "-" only'],
    [{ name: '   ' }, 'name must be longer than or equal to 1 characters'],
    [{ name: null }, 'name must be a string'],
    [{ role: 'root' }, 'role must be one of the following values: admin, user, pending'],
  ])('refuses %j, naming the field', async (fields, message) => {
    expect(await refused(CreateUserDto, { ...USER, ...fields })).toEqual([message]);
  });

  it('accepts a password of exactly 72 bytes', async () => {
    expect(await check(CreateUserDto, { ...USER, password: 'é'.repeat(36) })).toMatchObject({ name: 'Eve' });
  });
});

describe('list parameters (query strings arrive as text)', () => {
  it('converts decimal page numbers and leaves everything else to fail as "not an integer"', async () => {
    expect(await check(ListModelsQueryDto, { page: '7' }, 'query')).toEqual({ page: 7 });
    expect(await check(ListModelsQueryDto, { page: '' }, 'query')).toEqual({});
    for (const page of ['0x10', '1e3', ' 5', '1.5', 'abc']) {
      expect(await refused(ListModelsQueryDto, { page }, 'query')).toEqual(['page must be an integer number']);
    }
  });

  it.each([
    [{ query: 'q'.repeat(501) }, 'query must be shorter than or equal to 500 characters'],
    [{ query: 'a\u0000b' }, 'query must not contain control characters'],
    [{ order_by: 'password' }, 'order_by must be one of the following values: name, created_at, updated_at'],
    [{ direction: 'sideways' }, 'direction must be one of the following values: asc, desc'],
    [{ view_option: 'all' }, 'view_option must be one of the following values: created, shared'],
    [{ page: '1000000001' }, 'page must not be greater than 1000000000'],
    [{ sort: 'name' }, 'property sort should not exist'],
  ])('refuses %j, naming the parameter', async (query, message) => {
    expect(await refused(ListModelsQueryDto, query, 'query')).toEqual([message]);
  });

  it.each(['query', 'tag'])(
    'refuses a repeated %s as not a string (not as a bad character or length)',
    async (name) => {
      expect(await refused(ListModelsQueryDto, { [name]: ['a', 'b'] }, 'query')).toEqual([`${name} must be a string`]);
    },
  );
});

describe('params, meta and pricing', () => {
  it('bounds params at 64 KiB of JSON and refuses NUL anywhere in them', () => {
    const fits = { system: 'x'.repeat(64 * 1024 - 20) };
    expect(checkParams(fits)).toBe(fits);
    expect(() => checkParams({ system: 'x'.repeat(64 * 1024) })).toThrow('params must be at most 64 KiB as JSON');
    expect(() => checkParams({ nested: { deep: ['a\u0000'] } })).toThrow('params must not contain NUL characters');
  });

  it('stores tags lower-cased and trimmed, once each, as {name}', () => {
    expect(normaliseMeta({ tags: ['Coding', ' coding ', { name: 'SQL' }], description: 'd' })).toEqual({
      tags: [{ name: 'coding' }, { name: 'sql' }],
      description: 'd',
    });
  });

  it.each([
    [{ tags: 'coding' }, 'meta.tags must be an array of tag names (strings or {name}), 1–128 chars'],
    [{ tags: ['   '] }, 'meta.tags must be an array of tag names (strings or {name}), 1–128 chars'],
    [{ tags: ['x'.repeat(129)] }, 'meta.tags must be an array of tag names (strings or {name}), 1–128 chars'],
    [{ description: 5 }, 'meta.description has the wrong type'],
    [{ hidden: 'yes' }, 'meta.hidden has the wrong type'],
    [{ profile_image_url: 'data:text/html,<script>' }, 'meta.profile_image_url must be an http(s) URL or a data:image/… URI'],
    [{ blob: 'x'.repeat(256 * 1024) }, 'meta must be at most 256 KiB as JSON'],
  ])('refuses meta %j with a message naming the key', (meta, message) => {
    expect(() => normaliseMeta(meta)).toThrow(message);
  }); // prettier-ignore

  it('fills pricing defaults and upper-cases the currency', () => {
    expect(normalisePricing({ input_per_million: 2.5, currency: 'eur' })).toEqual({
      input_per_million: 2.5,
      output_per_million: null,
      per_request: null,
      currency: 'EUR',
    });
    expect(normalisePricing(null)).toBeNull();
  });
});
