import { negotiatedEncoding } from '../../src/common/answer-encoding';
import { answerKey, AnswerScope, answerTag, normalizedQuery, noneMatchHolds } from '../../src/common/answer-tag';
import { makeCaller } from '../support/caller';

const SCOPE: AnswerScope = {
  changeVersion: '7',
  caller: makeCaller(),
  keyId: null,
  path: '/v1/models',
  query: '',
  anthropicVersion: undefined,
  googleKeyHeader: false,
};

describe('answer keys and tags', () => {
  it('differ when any input of the answer differs', () => {
    const variants: Array<Partial<AnswerScope>> = [
      { changeVersion: '8' },
      { caller: makeCaller({ userId: '22222222-2222-4222-8222-222222222222' }) },
      { caller: makeCaller({ isAdmin: true }) },
      { caller: makeCaller({ isAdmin: true, bypass: true }) },
      { caller: makeCaller({ groupIds: ['g'] }) },
      { caller: makeCaller({ keyGroupId: 'g' }) },
      { caller: makeCaller({ keyModels: ['a'] }) },
      { caller: makeCaller({ keyModels: [] }) },
      { caller: makeCaller({ readOnly: true }) },
      { keyId: 'k' },
      { path: '/v1beta/models' },
      { query: 'limit=1' },
      { anthropicVersion: '2023-06-01' },
      { googleKeyHeader: true },
    ];
    const keys = new Set([answerKey(SCOPE), ...variants.map((v) => answerKey({ ...SCOPE, ...v }))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('are the same for the same groups, allow-list and parameters in another order', () => {
    const a = { ...SCOPE, caller: makeCaller({ groupIds: ['x', 'y'], keyModels: ['m', 'n'] }), query: 'a=1&b=2' };
    const b = { ...SCOPE, caller: makeCaller({ groupIds: ['y', 'x'], keyModels: ['n', 'm'] }), query: 'b=2&a=1' };
    expect(answerKey(a)).toBe(answerKey(b));
  });

  it('hash a frozen allow-list once and as the set it is, apart from the list as given', () => {
    const scope = (keyModels: string[]) => ({ ...SCOPE, caller: makeCaller({ keyModels }) });
    const frozen = (list: string[]) => Object.freeze(list) as string[];
    const ab = answerKey(scope(frozen(['a', 'b'])));
    expect(answerKey(scope(frozen(['b', 'a'])))).toBe(ab);
    expect(answerKey(scope(frozen(['a', 'b'])))).toBe(ab);
    expect(answerKey(scope(frozen(['a'])))).not.toBe(ab);
    expect(answerKey(scope(frozen(['a', 'b', 'c'])))).not.toBe(ab);
    expect(answerKey(scope(frozen([])))).not.toBe(answerKey(SCOPE));
    // Same list, frozen or not: another spelling of the scope, never the same key for two lists.
    expect(answerKey(scope(['a', 'c']))).not.toBe(ab);
  });

  it('keep repeated parameters in their order and reduce a key= credential to its presence', () => {
    expect(normalizedQuery('tag=b&page=2&tag=a')).toBe('page=2&tag=b&tag=a');
    expect(normalizedQuery('key=sk-secret&alt=json')).toBe('alt=json&key=…');
    expect(normalizedQuery('')).toBe('');
  });

  it('sort the values of the set-valued filters, so equal answers share a tag', () => {
    expect(normalizedQuery('capability=b&limit=2&capability=a')).toBe('capability=a&capability=b&limit=2');
    expect(normalizedQuery('owned_by=z&endpoint_type=image&owned_by=y&endpoint_type=chat')).toBe(
      'endpoint_type=chat&endpoint_type=image&owned_by=y&owned_by=z',
    );
    const a = answerKey({ ...SCOPE, query: 'capability=tools&capability=vision' });
    expect(answerKey({ ...SCOPE, query: 'capability=vision&capability=tools' })).toBe(a);
    // Duplicates and empty values are kept: they may be what makes a request a 400.
    expect(answerKey({ ...SCOPE, query: 'capability=tools&capability=tools&capability=vision' })).not.toBe(a);
    expect(answerKey({ ...SCOPE, query: 'capability=&capability=tools&capability=vision' })).not.toBe(a);
  });

  it('give each negotiated coding its own strong tag', () => {
    const key = answerKey(SCOPE);
    expect(answerTag(key, 'identity')).toBe(`"${key}"`);
    expect(answerTag(key, 'gzip')).not.toBe(answerTag(key, 'br'));
    expect(answerTag(key, 'deflate')).not.toBe(answerTag(key, 'gzip'));
    expect(answerTag(key, 'gzip')).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('negotiate the coding as the compression middleware does', () => {
    expect(negotiatedEncoding(undefined)).toBe('identity');
    expect(negotiatedEncoding('')).toBe('identity');
    expect(negotiatedEncoding('gzip')).toBe('gzip');
    expect(negotiatedEncoding('gzip, deflate, br')).toBe('br');
    expect(negotiatedEncoding('br, gzip')).toBe('br');
    expect(negotiatedEncoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(negotiatedEncoding('deflate')).toBe('deflate');
    expect(negotiatedEncoding('*')).toBe('br');
    expect(negotiatedEncoding('gzip;q=0')).toBe('identity');
    expect(negotiatedEncoding('identity;q=0')).toBe('identity');
    expect(negotiatedEncoding('compress')).toBe('identity');
  });

  it('match If-None-Match as HTTP compares it', () => {
    expect(noneMatchHolds('"a"', '"a"')).toBe(true);
    expect(noneMatchHolds('W/"a"', '"a"')).toBe(true);
    expect(noneMatchHolds('"x", "a"', '"a"')).toBe(true);
    expect(noneMatchHolds('*', '"a"')).toBe(false);
    expect(noneMatchHolds('"b"', '"a"')).toBe(false);
    expect(noneMatchHolds('a', '"a"')).toBe(false);
    expect(noneMatchHolds(undefined, '"a"')).toBe(false);
  });
});
