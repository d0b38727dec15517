import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';

/** Per entry on top of its text: the key, the map and list nodes (measured roughly, see README). */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * Exact answers (their JSON text, as the UTF-8 bytes sent) by answer key (answer-tag.ts). The key
 * holds the change version read with the caller, so an entry is served only while nothing that could
 * change it has committed, on any instance; older entries are never asked for again and age out.
 * Bounded by bytes (ANSWER_CACHE_MB). Kept encoded, so a hit is sent without encoding the text
 * again (a 300 KB `/v1/models` answer was copied into a new buffer on every hit).
 */
@Injectable()
export class AnswerCache {
  private readonly entries: LRUCache<string, Buffer> | null;

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

  /** Bytes held, as counted for the bound. */
  get size(): number {
    return this.entries?.calculatedSize ?? 0;
  }
}
