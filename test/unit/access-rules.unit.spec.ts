import {
  hasKeyNarrowing,
  keyScopePredicate,
  privateGrantCountSql,
  readablePredicate,
  writablePredicate,
} from '../../src/access/access-rules';
import { sql, toStatement } from '../../src/common/sql';
import { makeCaller, TEST_USER_ID } from '../support/caller';

const USER = TEST_USER_ID;
const GROUP = '22222222-2222-4222-8222-222222222222';
const KEY_GROUP = '33333333-3333-4333-8333-333333333333';

const caller = makeCaller;

describe('access rules as SQL', () => {
  it('lets a bypassing admin read and write everything: TRUE, no parameters', () => {
    const admin = caller({ isAdmin: true, bypass: true, groupIds: [GROUP] });
    expect(toStatement(readablePredicate(admin))).toEqual({ text: 'TRUE', values: [] });
    expect(toStatement(writablePredicate(admin))).toEqual({ text: 'TRUE', values: [] });
  });

  it('reads what the caller owns or what names one of its principals (user:*, itself, its groups) in readers', () => {
    const { text, values } = toStatement(readablePredicate(caller({ groupIds: [GROUP] })));
    expect(text).toBe('(m.readers && $1::text[] OR m.user_id = $2::uuid)');
    expect(values).toEqual([['*', `u:${USER}`, `g:${GROUP}`], USER]);
    expect(toStatement(readablePredicate(caller())).values).toEqual([['*', `u:${USER}`], USER]);
  });

  it('writes only what it owns or what names one of its principals in writers', () => {
    const { text, values } = toStatement(writablePredicate(caller({ groupIds: [GROUP] })));
    expect(text).toBe('(m.writers && $1::text[] OR m.user_id = $2::uuid)');
    expect(values).toEqual([['*', `u:${USER}`, `g:${GROUP}`], USER]);
  });

  it('counts the private grants from the kept counts, each model at the first principal it names', () => {
    expect(toStatement(privateGrantCountSql(caller())).text).not.toContain("'group'");
    const { text, values } = toStatement(privateGrantCountSql(caller({ groupIds: [GROUP] })));
    expect(text).toContain("FROM private_grant_counts c WHERE c.principal_type = 'user' AND c.principal_id = $1::text");
    expect(text).toContain("c.principal_type = 'group' AND c.principal_id = ANY($3::text[])");
    expect(text).toContain('NOT c.groups_before && $2::uuid[]');
    expect(text).not.toContain('access_grants');
    expect(values).toEqual([USER, [GROUP], [GROUP]]);
  });

  it('applies the rule to another alias when given one', () => {
    const { text } = toStatement(readablePredicate(caller(), sql`base`));
    expect(text).toBe('(base.readers && $1::text[] OR base.user_id = $2::uuid)');
  });

  it('adds no narrowing for a sign-in token or a full key, so their SQL is unchanged', () => {
    expect(hasKeyNarrowing(caller())).toBe(false);
    expect(toStatement(keyScopePredicate(caller()))).toEqual({ text: 'TRUE', values: [] });
    expect(hasKeyNarrowing(caller({ keyModels: [] }))).toBe(true);
  });

  it('narrows to a key’s token group (public or granted to it) and its allow-list', () => {
    const scope = keyScopePredicate(caller({ keyGroupId: KEY_GROUP, keyModels: ['gpt-4o'] }));
    const { text, values } = toStatement(scope);
    expect(text).toBe('m.readers && $1::text[] AND m.id = ANY($2::text[])');
    expect(values).toEqual([['*', `g:${KEY_GROUP}`], ['gpt-4o']]);
  });

  it('makes the narrowing part of can-read, for users and bypassing admins alike', () => {
    const narrowed = { keyModels: ['gpt-4o'], readOnly: true };
    const { text, values } = toStatement(readablePredicate(caller(narrowed)));
    expect(text).toBe('((m.readers && $1::text[] OR m.user_id = $2::uuid) AND m.id = ANY($3::text[]))');
    expect(values).toEqual([['*', `u:${USER}`], USER, ['gpt-4o']]);
    const admin = caller({ ...narrowed, isAdmin: true, bypass: true });
    expect(toStatement(readablePredicate(admin))).toEqual({ text: 'm.id = ANY($1::text[])', values: [['gpt-4o']] });
  });

  it('lets a read-only credential write nothing, admin or not', () => {
    expect(toStatement(writablePredicate(caller({ readOnly: true })))).toEqual({ text: 'FALSE', values: [] });
    const admin = caller({ isAdmin: true, bypass: true, readOnly: true });
    expect(toStatement(writablePredicate(admin))).toEqual({ text: 'FALSE', values: [] });
  });

  it('keeps hostile ids out of the text', () => {
    const hostile = "x' OR TRUE --";
    const statement = toStatement(
      readablePredicate(caller({ userId: hostile, groupIds: [hostile], keyGroupId: hostile, keyModels: [hostile] })),
    );
    expect(statement.text).not.toContain(hostile);
    expect(statement.values).toEqual([
      ['*', `u:${hostile}`, `g:${hostile}`],
      hostile,
      ['*', `g:${hostile}`],
      [hostile],
    ]);
  });
});
