import { createRequire } from 'node:module';
import { brotliCompress, deflate, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { COMPRESSION_OPTIONS, COMPRESSION_THRESHOLD } from './http-basics';

/** The content codings the compression middleware (http-basics.ts) may pick, identity included. */
export type AnswerEncoding = 'br' | 'gzip' | 'deflate' | 'identity';

/** What compression@1.8 offers and prefers on a tie (node:zlib has brotli). */
const SUPPORTED: AnswerEncoding[] = ['br', 'gzip', 'deflate', 'identity'];
const PREFERRED: AnswerEncoding[] = ['br', 'gzip'];

interface NegotiatorLike {
  encoding(available: string[], preferred: string[]): string | undefined;
}
/**
 * The very negotiator the compression middleware runs (its own dependency, negotiator 0.6, not
 * Express's 1.x), so a kept answer is sent in the coding the middleware would have picked.
 */
const Negotiator = createRequire(require.resolve('compression'))('negotiator') as new (request: {
  headers: Record<string, string>;
}) => NegotiatorLike;

/** Accept-Encoding values seen; past this many the memo starts over (clients send few distinct ones). */
const MAX_REMEMBERED_VALUES = 256;
const negotiated = new Map<string, AnswerEncoding>();

/**
 * The coding the compression middleware would send an answer over its threshold in, for a GET
 * with this Accept-Encoding: no header (or an empty one) is identity, as is a failed negotiation
 * (`identity;q=0` alone, `gzip;q=0`, an unknown coding).
 */
export function negotiatedEncoding(acceptEncoding: string | undefined): AnswerEncoding {
  if (!acceptEncoding) return 'identity';
  let encoding = negotiated.get(acceptEncoding);
  if (encoding === undefined) {
    const method = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encoding(SUPPORTED, PREFERRED);
    encoding = SUPPORTED.includes(method as AnswerEncoding) ? (method as AnswerEncoding) : 'identity';
    if (negotiated.size >= MAX_REMEMBERED_VALUES) negotiated.clear();
    negotiated.set(acceptEncoding, encoding);
  }
  return encoding;
}

/** What every revalidated answer is sent with (revalidation.ts): it allows transforms. */
export const REVALIDATED_CACHE_CONTROL = 'private, no-cache';

/** compression's own test for `Cache-Control: no-transform` on the response. */
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;

/**
 * The coding a JSON answer of `length` bytes goes out in, as the middleware decides it: identity
 * below the threshold, for HEAD (the middleware never compresses a HEAD; its Content-Length is the
 * identity length) and under no-transform; else the negotiated coding. The type is JSON, which
 * the middleware's filter (compressible) always compresses.
 */
export function sentEncoding(
  method: string,
  length: number,
  negotiatedCoding: AnswerEncoding,
  cacheControl: string = REVALIDATED_CACHE_CONTROL,
): AnswerEncoding {
  if (length < COMPRESSION_THRESHOLD || method === 'HEAD') return 'identity';
  if (NO_TRANSFORM.test(cacheControl)) return 'identity';
  return negotiatedCoding;
}

const coders = {
  gzip: promisify(gzip),
  deflate: promisify(deflate),
  br: promisify(brotliCompress),
};

/** The bytes in a coding, at the middleware's own levels (gzip/deflate level 1, brotli quality 1). */
export function encodeAs(encoding: Exclude<AnswerEncoding, 'identity'>, bytes: Buffer): Promise<Buffer> {
  return encoding === 'br'
    ? coders.br(bytes, { params: COMPRESSION_OPTIONS.brotli.params })
    : coders[encoding](bytes, { level: COMPRESSION_OPTIONS.level });
}
