import { escapeLike, Sql, sql, toStatement } from '../../src/common/sql';

describe('sql tagged template', () => {
  it('binds every interpolated value as a parameter numbered in order of appearance', () => {
    const statement = toStatement(sql`SELECT * FROM models m WHERE m.id = ${'a'} AND m.created_at > ${5}`);
    expect(statement).toEqual({
      text: 'SELECT * FROM models m WHERE m.id = $1 AND m.created_at > $2',
      values: ['a', 5],
    });
  });

  it('never puts a value into the text, however it is written', () => {
    const hostile = "x'; DROP TABLE models; --";
    const statement = toStatement(sql`SELECT 1 WHERE name = ${hostile} OR tags @> ${[hostile]}`);
    expect(statement.text).toBe('SELECT 1 WHERE name = $1 OR tags @> $2');
    expect(statement.text).not.toContain('DROP');
    expect(statement.values).toEqual([hostile, [hostile]]);
  });

  it('embeds a nested fragment as text and renumbers its parameters within the statement', () => {
    const inner = sql`m.user_id = ${'u'}::uuid`;
    const statement = toStatement(sql`SELECT m.id FROM models m WHERE m.name = ${'n'} AND ${inner} LIMIT ${3}`);
    expect(statement).toEqual({
      text: 'SELECT m.id FROM models m WHERE m.name = $1 AND m.user_id = $2::uuid LIMIT $3',
      values: ['n', 'u', 3],
    });
  });

  it('gives one number to a parameter used several times, and separate numbers to equal values', () => {
    const user = sql.param('u');
    const statement = toStatement(sql`a = ${user} OR b = ${user} OR c = ${'u'}`);
    expect(statement).toEqual({ text: 'a = $1 OR b = $1 OR c = $2', values: ['u', 'u'] });
  });

  it('keeps one number for a reused fragment embedded twice', () => {
    const filter = sql`m.tags @> ARRAY[${'t'}]::text[]`;
    const statement = toStatement(sql`(${filter}) + (${filter} AND ${'x'})`);
    expect(statement).toEqual({
      text: '(m.tags @> ARRAY[$1]::text[]) + (m.tags @> ARRAY[$1]::text[] AND $2)',
      values: ['t', 'x'],
    });
  });

  it('joins fragments with a separator, and an empty list into nothing', () => {
    const joined = sql.join([sql`a = ${1}`, sql`b = ${2}`, sql`TRUE`], sql` AND `);
    expect(toStatement(joined)).toEqual({ text: 'a = $1 AND b = $2 AND TRUE', values: [1, 2] });
    expect(toStatement(sql.join([], sql` AND `))).toEqual({ text: '', values: [] });
  });

  it('writes a raw project constant as text', () => {
    expect(toStatement(sql`LIMIT ${sql.raw(30)} OFFSET ${60}`)).toEqual({ text: 'LIMIT 30 OFFSET $1', values: [60] });
  });

  it('treats null, booleans and arrays as values, never as text', () => {
    const statement = toStatement(sql`${null} ${true} ${['a', 'b']}`);
    expect(statement).toEqual({ text: '$1 $2 $3', values: [null, true, ['a', 'b']] });
  });

  it('makes fragments only through the tag: a look-alike object is bound, not embedded', () => {
    const forged = { text: 'DROP TABLE models' } as unknown as Sql;
    const statement = toStatement(sql`SELECT ${forged}`);
    expect(statement.text).toBe('SELECT $1');
  });
});

describe('sql types', () => {
  it('rejects plain strings where SQL is expected, at compile time (npm run lint type-checks this file)', () => {
    const fromRequest: string = 'DROP TABLE models';
    // @ts-expect-error a plain string is not a Sql fragment
    const notSql: Sql = fromRequest;
    // @ts-expect-error sql.raw takes only literals written in the code
    const rawFromRequest = () => sql.raw(fromRequest);
    // @ts-expect-error undefined is not a value PostgreSQL can receive
    const missing = () => sql`${undefined}`;
    expect([typeof rawFromRequest, typeof missing]).toEqual(['function', 'function']);
    // Even forced through, a string stays a parameter.
    expect(toStatement(sql`SELECT ${notSql}`)).toEqual({ text: 'SELECT $1', values: [fromRequest] });
  });
});

describe('escapeLike', () => {
  it('escapes %, _ and backslash so they match literally', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
    expect(escapeLike('plain')).toBe('plain');
  });
});
