import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { AnswerEncoding, encodeAs } from './answer-encoding';

/** Per entry on top of its text: the key, the map and list nodes (measured roughly, see README). */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * Exact answers (their JSON text, as the UTF-8 bytes sent) by answer key (answer-tag.ts). The key
 * holds the change version read with the caller, so an entry is served only while nothing that could
 * change it has committed, on any instance; older entries are never asked for again and age out.
 * Bounded by bytes (ANSWER_CACHE_MB). Kept encoded, so a hit is sent without encoding the text
 * again (a 300 KB `/v1/models` answer was copied into a new buffer on every hit). An answer's
 * gzip, br or deflate bytes are kept too, each made at the first hit that is sent in that coding
 * and counted in the same bound (an entry of its own, under the answer's key and the coding).
 */
@Injectable()
export class AnswerCache {
  private readonly entries: LRUCache<string, Buffer> | null;
  /** Codings being made, so concurrent first hits compress once. */
  private readonly encoding = new Map<string, Promise<Buffer>>();

  constructor(@Inject(APP_CONFIG) config: Pick<RuntimeConfig, 'answerCacheMb'>) {
    const maxSize = config.answerCacheMb * 1024 * 1024;
    this.entries =
      maxSize === 0
        ? null
        : new LRUCache<string, Buffer>({
            maxSize,
            // An answer larger than an eighth of the cache would push out too many others.
            maxEntrySize: maxSize / 8,
            sizeCalculation: (bytes, key) => bytes.length + key.length + ENTRY_OVERHEAD_BYTES,
          });
  }

  get(key: string): Buffer | undefined {
    return this.entries?.get(key);
  }

  /** The answer as text, or as its UTF-8 bytes (kept as they are: the caller must not change them). */
  set(key: string, answer: string | Buffer): void {
    this.entries?.set(key, typeof answer === 'string' ? Buffer.from(answer, 'utf8') : answer);
  }

  /**
   * The answer `identity` (the bytes `get(key)` returned) in `coding`: kept, or made now and kept.
   * A coding outlives its answer's entry only as long as the LRU keeps it; it is asked for only
   * after a `get(key)` hit, so never for an answer the cache no longer holds.
   */
  encoded(key: string, identity: Buffer, coding: Exclude<AnswerEncoding, 'identity'>): Buffer | Promise<Buffer> {
    const variant = `${key} ${coding}`;
    const kept = this.entries?.get(variant);
    if (kept !== undefined) return kept;
    let making = this.encoding.get(variant);
    if (making === undefined) {
      making = encodeAs(coding, identity)
        .then((bytes) => {
          this.entries?.set(variant, bytes);
          return bytes;
        })
        .finally(() => this.encoding.delete(variant));
      this.encoding.set(variant, making);
    }
    return making;
  }

  /** Bytes held, as counted for the bound. */
  get size(): number {
    return this.entries?.calculatedSize ?? 0;
  }
}
