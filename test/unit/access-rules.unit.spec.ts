import {
  hasKeyNarrowing,
  keyScopePredicate,
  privateSharePredicate,
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

  it('reads public models or the caller’s own and granted ones; without groups there is no group branch', () => {
    const { text, values } = toStatement(readablePredicate(caller()));
    expect(text).toBe(
      "(m.is_public OR (m.user_id = $1::uuid OR m.id IN (SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'user' AND g.principal_id = $1::text)))",
    );
    expect(values).toEqual([USER]);
  });

  it('adds one group branch, with the group ids as one array parameter', () => {
    const { text, values } = toStatement(readablePredicate(caller({ groupIds: [GROUP] })));
    expect(text).toContain("UNION ALL SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'group'");
    expect(text).toContain('g.principal_id = ANY($2::text[])');
    expect(values).toEqual([USER, [GROUP]]);
  });

  it('writes only through write grants, to the caller, user:* or its groups', () => {
    const { text, values } = toStatement(writablePredicate(caller({ groupIds: [GROUP] })));
    expect(text).toBe(
      "(m.user_id = $1::uuid OR m.id IN (SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'user' AND g.principal_id IN ('*', $1::text) AND g.permission = 'write' UNION ALL SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'group' AND g.principal_id = ANY($2::text[]) AND g.permission = 'write'))",
    );
    expect(values).toEqual([USER, [GROUP]]);
  });

  it('fetches the private share by id for counts and probes it otherwise', () => {
    expect(toStatement(privateSharePredicate(caller(), 'fetch')).text).toContain('m.id = ANY(ARRAY(SELECT g.model_id');
    expect(toStatement(privateSharePredicate(caller(), 'probe')).text).toContain('m.id IN (SELECT g.model_id');
    expect(toStatement(privateSharePredicate(caller(), 'probe')).text).not.toContain('is_public');
  });

  it('applies the rule to another alias when given one', () => {
    const { text } = toStatement(readablePredicate(caller(), sql`base`));
    expect(text).toMatch(/^\(base\.is_public OR \(base\.user_id = \$1::uuid OR base\.id IN/);
  });

  it('adds no narrowing for a sign-in token or a full key, so their SQL is unchanged', () => {
    expect(hasKeyNarrowing(caller())).toBe(false);
    expect(toStatement(keyScopePredicate(caller()))).toEqual({ text: 'TRUE', values: [] });
    expect(hasKeyNarrowing(caller({ keyModels: [] }))).toBe(true);
  });

  it('narrows to a key’s token group (public or granted to it) and its allow-list', () => {
    const scope = keyScopePredicate(caller({ keyGroupId: KEY_GROUP, keyModels: ['gpt-4o'] }));
    const { text, values } = toStatement(scope);
    expect(text).toBe(
      "(m.is_public OR m.id IN (SELECT g.model_id FROM access_grants g WHERE g.principal_type = 'group' AND g.principal_id = $1::text)) AND m.id = ANY($2::text[])",
    );
    expect(values).toEqual([KEY_GROUP, ['gpt-4o']]);
  });

  it('makes the narrowing part of can-read, for users and bypassing admins alike', () => {
    const narrowed = { keyModels: ['gpt-4o'], readOnly: true };
    const { text, values } = toStatement(readablePredicate(caller(narrowed)));
    expect(text).toMatch(/^\(\(m\.is_public OR \(m\.user_id = \$1::uuid .*\) AND m\.id = ANY\(\$2::text\[\]\)\)$/);
    expect(values).toEqual([USER, ['gpt-4o']]);
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
    expect(statement.values).toEqual([hostile, [hostile], hostile, [hostile]]);
  });
});
