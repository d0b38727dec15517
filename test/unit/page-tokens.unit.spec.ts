import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { anthropicPageRequest } from '../../src/gateway/anthropic.format';
import { intParam, queryParam } from '../../src/gateway/gateway-query';
import { decodePageToken, encodePageToken, geminiPageRequest } from '../../src/gateway/gemini.format';

/** The 400's message, or a failure if `work` does not throw one. */
function badRequest(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).message;
  }
  throw new Error('expected a 400');
}

const NOT_OURS = 'pageToken: not a page token this server issued';
const token = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('Gemini page tokens', () => {
  it.each(['a', 'acme/coder:1.0', 'org/sub/model_v2.1-beta', 'Écrivain', '模型/😀', 'x'.repeat(256)])(
    'round-trips the id %s',
    (id) => {
      const encoded = encodePageToken(id);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // URL-safe, no padding: goes into a query string as is
      expect(decodePageToken(encoded)).toBe(id);
    },
  );

  it('round-trips any id of 1 to 256 code units that is valid Unicode', () => {
    const id = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }).filter((s) => s.length <= 256);
    fc.assert(fc.property(id, (value) => decodePageToken(encodePageToken(value)) === value));
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$def'],
    ['standard base64 with + and /', Buffer.from('after:a>?b').toString('base64')],
    ['padded', token('after:ab') + '='],
    ['without the prefix', token('acme/coder')],
    ['a prefix in another case', token('AFTER:acme/coder')],
    ['an empty id', token('after:')],
    ['an id over 256 characters', token('after:' + 'x'.repeat(257))],
    ['bytes that are not UTF-8', Buffer.from([...Buffer.from('after:'), 0xff, 0xfe]).toString('base64url')],
    ['a non-canonical encoding (stray low bits)', token('after:ab').slice(0, -1) + 'z'],
    ['whitespace around it', ` ${token('after:ab')} `],
  ])('refuses a token that is %s with a 400 naming pageToken', (_what, value) => {
    expect(badRequest(() => decodePageToken(value))).toBe(NOT_OURS);
  });

  it('reads pageSize (default 50, 1–1000) and pageToken', () => {
    expect(geminiPageRequest({})).toEqual({ pageSize: 50, afterId: null });
    expect(geminiPageRequest({ pageSize: '1000', pageToken: encodePageToken('m/1') })).toEqual({
      pageSize: 1000,
      afterId: 'm/1',
    });
    expect(geminiPageRequest({ pageSize: '', pageToken: '' })).toEqual({ pageSize: 50, afterId: null });
  });

  it.each(['0', '1001', '-1', '1.5', '1e3', '0x10', ' 7', 'abc', '99999999999'])(
    'refuses pageSize=%s with a 400 naming the range',
    (pageSize) => {
      expect(badRequest(() => geminiPageRequest({ pageSize }))).toBe(
        `pageSize: must be an integer from 1 to 1000, got "${pageSize}"`,
      );
    },
  );
});

describe('Anthropic cursors', () => {
  it('reads limit (default 20, 1–1000), after_id and before_id as given', () => {
    expect(anthropicPageRequest({})).toEqual({ limit: 20, afterId: null, beforeId: null });
    expect(anthropicPageRequest({ limit: '7', after_id: 'acme/a', before_id: 'acme/b' })).toEqual({
      limit: 7,
      afterId: 'acme/a',
      beforeId: 'acme/b',
    });
    expect(anthropicPageRequest({ after_id: '', before_id: '' })).toEqual({ limit: 20, afterId: null, beforeId: null });
  });

  it.each(['0', '1001', 'ten', '2.0'])('refuses limit=%s with a 400 naming limit', (limit) => {
    expect(badRequest(() => anthropicPageRequest({ limit }))).toMatch(/^limit: must be an integer from 1 to 1000/);
  });

  it('refuses a repeated cursor instead of picking one', () => {
    expect(badRequest(() => anthropicPageRequest({ after_id: ['a', 'b'] }))).toBe('after_id: give at most one value');
  });
});

describe('gateway query parameters', () => {
  it('treats absent and empty alike, and a repeated parameter as a 400', () => {
    expect(queryParam({}, 'x')).toBeUndefined();
    expect(queryParam({ x: '' }, 'x')).toBeUndefined();
    expect(queryParam({ x: 'v' }, 'x')).toBe('v');
    expect(badRequest(() => queryParam({ x: ['1', '2'] }, 'x'))).toBe('x: give at most one value');
  });

  it('takes only decimal integers within the range', () => {
    const range = { min: 1, max: 10, fallback: 3 };
    expect(intParam({}, 'n', range)).toBe(3);
    expect(intParam({ n: '10' }, 'n', range)).toBe(10);
    expect(intParam({ n: '01' }, 'n', range)).toBe(1);
    for (const n of ['11', '+1', '-0', '1_0', 'Infinity', 'NaN']) {
      expect(badRequest(() => intParam({ n }, 'n', range))).toBe(`n: must be an integer from 1 to 10, got "${n}"`);
    }
  });
});
