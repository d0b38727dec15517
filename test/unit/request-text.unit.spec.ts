import { BadRequestException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { MAX_BODY_DEPTH, requestTextGuard, verifyUtf8Body } from '../../src/common/request-text';

/** What the guard hands to next(): undefined to go on, or the 400's message. */
function guard(originalUrl: string, body?: unknown): string | undefined {
  let passed: unknown = 'next() not called';
  requestTextGuard({ originalUrl, body } as Request, {} as Response, (error?: unknown) => (passed = error));
  if (passed === undefined) return undefined;
  expect(passed).toBeInstanceOf(BadRequestException);
  return (passed as BadRequestException).message;
}

/** A value nested `depth` levels deep in arrays or objects. */
function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { k: value };
  return value;
}

describe('verifyUtf8Body', () => {
  const verify = (bytes: number[] | string) =>
    verifyUtf8Body(
      {} as IncomingMessage,
      {} as ServerResponse,
      typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes),
    );

  it.each([['{"name":"Écrivain 😀"}'], ['']])('accepts UTF-8 %j', (text) => {
    expect(() => verify(text)).not.toThrow();
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d]],
    ['Latin-1 é', [0x22, 0xe9, 0x22]],
    ['a truncated sequence', [0x22, 0xe2, 0x82, 0x22]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['an overlong slash', [0xc0, 0xaf]],
  ])('refuses %s with a 400 saying the body is not UTF-8', (_what, bytes) => {
    expect(() => verify(bytes)).toThrow(
      expect.objectContaining({ status: 400, message: 'Request body is not valid UTF-8' }),
    );
  });
});

describe('requestTextGuard on the URL', () => {
  it.each([
    ['/api/models/list'],
    ['/api/models/list?query=caf%C3%A9&page=2'],
    ['/api/models/model?id=acme%2Fcoder%3A1.0'],
    ['/v1/models/%F0%9F%98%80'],
    ['/api/models/list?query=a+b&flag'],
  ])('lets %s through', (url) => {
    expect(guard(url)).toBeUndefined();
  });

  it.each([
    ['/api/models/list?query=%00', 'query parameter "query" contains a NUL character'],
    ['/api/models/list?query=a%00b', 'query parameter "query" contains a NUL character'],
    ['/api/models/list?query=%FF%FE', 'query parameter "query" is not valid percent-encoded UTF-8'],
    ['/api/models/list?query=%C3%28', 'query parameter "query" is not valid percent-encoded UTF-8'],
    ['/api/models/list?query=%ED%A0%80', 'query parameter "query" is not valid percent-encoded UTF-8'],
    ['/api/models/list?query=%E2%82', 'query parameter "query" is not valid percent-encoded UTF-8'],
    ['/api/models/list?query=%', 'query parameter "query" is not valid percent-encoded UTF-8'],
    ['/api/models/list?na%00me=x', 'query parameter "na\\u0000me" contains a NUL character'],
    ['/v1/models/a%00b', 'the URL path contains a NUL character'],
    ['/v1/models/%C3', 'the URL path is not valid percent-encoded UTF-8'],
  ])('refuses %s, naming where', (url, message) => {
    expect(guard(url)).toBe(message);
  });
});

describe('requestTextGuard on the JSON body', () => {
  it('lets ordinary text, astral characters and paired surrogates through', () => {
    expect(guard('/api/models/create', { id: 'a', name: 'Zoë 😀', meta: { tags: ['\ud83d\ude00'] } })).toBeUndefined();
  });

  it.each([
    [{ name: 'a\u0000b' }, 'body.name contains a NUL character'],
    [{ meta: { tags: ['ok', 'x\u0000'] } }, 'body.meta.tags[1] contains a NUL character'],
    [{ name: 'lone \ud800 high' }, 'body.name contains an unpaired surrogate (not valid Unicode)'],
    [{ name: 'lone \udc00 low' }, 'body.name contains an unpaired surrogate (not valid Unicode)'],
    [{ name: 'reversed \udc00\ud800' }, 'body.name contains an unpaired surrogate (not valid Unicode)'],
    [{ params: { 'k\u0000': 1 } }, 'a key in body.params contains a NUL character'],
    [{ params: { '\ud800': 1 } }, 'a key in body.params contains an unpaired surrogate (not valid Unicode)'],
    ['\u0000', 'body contains a NUL character'],
  ])('refuses %j, naming the field', (body, message) => {
    expect(guard('/api/models/create', body)).toBe(message);
  });

  it.each(['array', 'object'] as const)(`accepts %s nesting up to ${MAX_BODY_DEPTH} levels`, (kind) => {
    expect(guard('/api/models/create', nested(MAX_BODY_DEPTH, kind))).toBeUndefined();
  });

  it.each(['array', 'object'] as const)(
    'refuses %s nesting one level deeper, and far deeper, without overflowing',
    (kind) => {
      const message = `body is nested more than ${MAX_BODY_DEPTH} levels deep`;
      expect(guard('/api/models/create', nested(MAX_BODY_DEPTH + 1, kind))).toBe(message);
      expect(guard('/api/models/create', nested(100_000, kind))).toBe(message);
    },
  );

  it('checks the URL before the body', () => {
    expect(guard('/x?q=%00', { name: '\u0000' })).toBe('query parameter "q" contains a NUL character');
  });
});
