import type { Caller } from '../../src/access/caller';
import { toStatement } from '../../src/common/sql';
import { makeCaller, TEST_USER_ID } from '../support/caller';
import { ListParams, listCountSql, listPageSql, listableSql, modelAccessSql } from '../../src/models/model-read.sql';

const USER = TEST_USER_ID;
const user: Caller = makeCaller();
const admin: Caller = { ...user, isAdmin: true, bypass: true };
const list: ListParams = {
  query: null,
  viewOption: null,
  tag: null,
  orderBy: 'created_at',
  direction: 'desc',
  page: 1,
};

describe('model read SQL', () => {
  it('takes a bypassing admin’s unfiltered total from the maintained counts, and counts a filtered one with the filters alone', () => {
    expect(toStatement(listCountSql(admin, list))).toEqual({
      text: 'SELECT (SELECT COALESCE(sum(c.custom), 0) FROM model_counts c)::int AS total',
      values: [],
    });
    expect(toStatement(listCountSql(admin, { ...list, viewOption: 'shared' }))).toEqual({
      text:
        'SELECT ((SELECT COALESCE(sum(c.custom), 0) FROM model_counts c) - (SELECT count(*) FROM models m' +
        ' WHERE m.base_model_id IS NOT NULL AND m.user_id = $1::uuid))::int AS total',
      values: [USER],
    });
    expect(toStatement(listCountSql(admin, { ...list, viewOption: 'created' })).text).toBe(
      'SELECT count(*)::int AS total FROM models m WHERE m.base_model_id IS NOT NULL AND m.user_id = $1::uuid',
    );
    expect(toStatement(listCountSql(admin, { ...list, tag: 'vision' })).text).toBe(
      'SELECT count(*)::int AS total FROM models m WHERE m.base_model_id IS NOT NULL AND m.tags @> ARRAY[$1]::text[]',
    );
  });

  it('counts a list filtered by tag or query alone as public matches (public_model_tags, public_models) plus readable private ones (private_models)', () => {
    const { text, values } = toStatement(listCountSql(user, { ...list, tag: ' Vision ' }));
    expect(text).toBe(
      'SELECT ((SELECT count(*) FROM public_model_tags t WHERE t.tag = $1) + (SELECT count(*) FROM private_models m WHERE m.tags @> ARRAY[$2]::text[] AND m.readers && $3::text[])' +
        ' + (SELECT count(*) FILTER (WHERE m.tags @> ARRAY[$2]::text[] AND NOT m.readers && $3::text[])' +
        '\n       FROM private_models m WHERE m.user_id = $4::uuid))::int AS total',
    );
    expect(values).toEqual(['vision', 'vision', ['*', `u:${USER}`], USER]);
    const both = toStatement(listCountSql(user, { ...list, tag: 'vision', query: 'coder', owners: [] })).text;
    expect(both).toContain(
      '(SELECT count(*) FROM public_models m WHERE m.tags @> ARRAY[$1]::text[] AND m.search LIKE $2 AND TRUE)',
    );
    expect(both).not.toContain('public_model_tags');
    expect(both).not.toContain('FROM models m');
  });

  it('counts any other filtered list on the models, through the readable rule', () => {
    const { text, values } = toStatement(listCountSql(user, { ...list, tag: ' Vision ', viewOption: 'created' }));
    expect(text).toBe(
      'SELECT count(*)::int AS total FROM models m WHERE m.base_model_id IS NOT NULL AND m.user_id = $1::uuid AND m.tags @> ARRAY[$2]::text[] AND (m.readers && $3::text[] OR m.user_id = $4::uuid)',
    );
    expect(values).toEqual([USER, 'vision', ['*', `u:${USER}`], USER]);
    const keyed = { ...user, keyModels: ['a/b'], readOnly: true };
    expect(toStatement(listCountSql(keyed, { ...list, tag: 'vision' })).text).not.toContain('public_models');
  });

  it('counts an unfiltered list’s public share and private grants from the maintained counts, and the caller’s own models', () => {
    const { text } = toStatement(listCountSql(user, list));
    expect(text).toContain(
      'SELECT ((SELECT COALESCE(sum(c.public_custom), 0) FROM model_counts c) + ((SELECT COALESCE(sum(c.n), 0) FROM private_grant_counts c',
    );
    expect(text).toContain('count(*) FILTER (WHERE NOT m.readers && $');
    expect(toStatement(listCountSql(user, { ...list, viewOption: 'shared' })).text).toMatch(/\) - \(SELECT count/);
    expect(toStatement(listCountSql(user, { ...list, viewOption: 'created' })).text).not.toContain(
      'private_grant_counts',
    );
  });

  it('narrows the count, and a bypassing admin’s, by the API key', () => {
    const keyed = { ...user, keyModels: ['a/b'], readOnly: true };
    const { text, values } = toStatement(listCountSql(keyed, list));
    expect(text).toContain('AND m.id = ANY($3::text[])');
    expect(text).not.toContain('access_grants');
    expect(values).toEqual([['*', `u:${USER}`], USER, ['a/b']]);
    expect(toStatement(listCountSql({ ...admin, keyModels: ['a/b'], readOnly: true }, list))).toEqual({
      text: 'SELECT count(*)::int AS total FROM models m WHERE m.base_model_id IS NOT NULL AND m.id = ANY($1::text[])',
      values: [['a/b']],
    });
  });

  it('narrows the page and the gateway list through the readable rule, and a read-only key writes nothing', () => {
    const keyed = { ...user, keyModels: ['a/b'], readOnly: true };
    for (const statement of [listPageSql(keyed, list), listableSql(keyed, { order: 'id' })]) {
      expect(toStatement(statement).text.match(/m\.id = ANY\(\$\d+::text\[\]\)/g)).toHaveLength(1);
    }
    expect(toStatement(listPageSql(keyed, list)).text).toContain('FALSE AS write_access');
  });

  it('matches owners from the ids looked up before, or by a subquery when there were none to pass', () => {
    const looked = (owners?: string[]) => toStatement(listPageSql(user, { ...list, query: 'x', owners })).text;
    expect(looked(undefined)).toContain('m.user_id = ANY(ARRAY(SELECT us.id FROM users us WHERE us.search LIKE $');
    expect(looked([])).not.toContain('m.user_id = ANY(');
    expect(looked([USER])).toMatch(/OR m\.user_id = ANY\(\$\d+::uuid\[\]\)\)/);
  });

  it('binds the search pattern, escaped, and the page offset; the page size is text', () => {
    const { text, values } = toStatement(listPageSql(user, { ...list, query: '50%_off', page: 3 }));
    expect(text).toContain('m.search LIKE $');
    expect(text).toContain('LIMIT 30 OFFSET $');
    expect(text).not.toContain('50');
    expect(values).toContain('%50\\%\\_off%');
    expect(values[values.length - 1]).toBe(60);
  });

  it('pages a search or tag list in created_at order from the narrow copies, each part to offset + 30', () => {
    const page = (params: Partial<ListParams>) => toStatement(listPageSql(user, { ...list, ...params }));
    for (const params of [{ query: 'x', owners: [] }, { tag: 'legal' }, { tag: 'legal', direction: 'asc' as const }]) {
      const { text, values } = page({ ...params, page: 2 });
      expect(text).toContain('FROM public_models m');
      expect(text).toContain('FROM private_models m');
      expect(text).not.toMatch(/FROM models m\b(?! ON)/);
      expect(values).toContain(60);
      expect(values[values.length - 1]).toBe(30);
    }
    // Another order, a view, content filters or a bypassing admin: the models table, as before.
    for (const params of [
      { tag: 'legal', orderBy: 'name' as const },
      { tag: 'legal', viewOption: 'shared' as const },
    ]) {
      expect(page(params).text).not.toContain('public_models');
    }
    expect(toStatement(listPageSql(admin, { ...list, tag: 'legal' })).text).not.toContain('public_models');
  });

  it('sorts by the column asked for, ties broken by id in the same direction', () => {
    const { text } = toStatement(listPageSql(user, { ...list, orderBy: 'name', direction: 'asc' }));
    expect(text).toContain('ORDER BY m.name_sort ASC, m.id ASC LIMIT 30');
    expect(text.trim().endsWith('ORDER BY m.name_sort ASC, m.id ASC')).toBe(true);
  });

  it('reads the gateway summary with inheritance resolved and no workspace columns', () => {
    const { text } = toStatement(listableSql(user, { order: 'id' }));
    expect(text).toContain('COALESCE(m.context_length, b.context_length) AS context_length');
    expect(text).not.toMatch(/params|owner_|write_access|LEFT JOIN users/);
  });

  it('filters on inherited values with the base model joined, values only as parameters', () => {
    const filters = {
      endpointTypes: ['chat' as const],
      ownedBy: ["o'brien"],
      capabilities: ['vision', 'tools'],
      minContextLength: 8000,
      maxInputPrice: 2.5,
    };
    const count = toStatement(listCountSql(user, { ...list, filters }));
    expect(count.text).toContain('FROM models m LEFT JOIN models b ON b.id = m.base_model_id WHERE');
    expect(count.text).not.toContain("o'brien");
    expect(count.values).toEqual(
      expect.arrayContaining([['chat'], ["o'brien"], '{"vision":true,"tools":true}', 8000, 2.5]),
    );
    expect(toStatement(listPageSql(user, { ...list, filters })).text).toContain(
      'COALESCE(m.supported_endpoint_types, b.supported_endpoint_types',
    );
    // No filter, no join: the unfiltered list keeps its own plans.
    expect(toStatement(listCountSql(user, list)).text).not.toContain('models b');
  });

  it('locks the model row only when asked to', () => {
    expect(toStatement(modelAccessSql(user, 'm1', { lock: true })).text).toMatch(/FOR UPDATE$/);
    expect(toStatement(modelAccessSql(user, 'm1', { lock: false })).text).not.toContain('FOR UPDATE');
  });
});
