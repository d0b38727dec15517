/**
 * An answer whose JSON is already built (by PostgreSQL, for the largest lists), held as its UTF-8
 * bytes: the revalidation interceptor sends and caches them as they are instead of stringifying an
 * object. Anywhere else it still serialises to the same JSON (through toJSON), only slower.
 */
export class RawJson {
  private constructor(readonly bytes: Buffer) {}

  static of(text: string): RawJson {
    return new RawJson(Buffer.from(text, 'utf8'));
  }

  /** JSON already held as UTF-8 bytes, shared as they are: neither side may change them. */
  static ofBytes(bytes: Buffer): RawJson {
    return new RawJson(bytes);
  }

  /**
   * `head`, the pieces (text or UTF-8 bytes) with `separator` between them, then `tail`, written straight into one buffer
   * outside V8's heap. A large answer never becomes one JavaScript string: a string over 128 KB is a
   * large object that only a full collection frees (README, Performance, "Where the single-connection
   * tail comes from"), while pieces of a few KB die young.
   */
  static join(head: string, pieces: readonly (string | Buffer)[], separator: string, tail: string): RawJson {
    let size = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(0, pieces.length - 1) * separator.length;
    for (const piece of pieces) size += Buffer.byteLength(piece);
    const bytes = Buffer.allocUnsafe(size);
    let at = bytes.write(head, 0);
    pieces.forEach((piece, index) => {
      if (index > 0) at += bytes.write(separator, at);
      at += typeof piece === 'string' ? bytes.write(piece, at) : piece.copy(bytes, at);
    });
    bytes.write(tail, at);
    return new RawJson(bytes);
  }

  toJSON(): unknown {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}
