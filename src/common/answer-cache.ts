import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';

/** Per entry on top of its text: the key, the map and list nodes (measured roughly, see README). */
const ENTRY_OVERHEAD_BYTES = 200;

/**
 * Exact answers (their JSON text) by answer key (answer-tag.ts). The key holds the change version
 * read with the caller, so an entry is served only while nothing that could change it has
 * committed, on any instance; older entries are never asked for again and age out. Bounded by
 * bytes (ANSWER_CACHE_MB): JSON is mostly one-byte text, counted at its length.
 */
@Injectable()
export class AnswerCache {
  private readonly entries: LRUCache<string, string> | null;

  constructor(@Inject(APP_CONFIG) config: Pick<RuntimeConfig, 'answerCacheMb'>) {
    const maxSize = config.answerCacheMb * 1024 * 1024;
    this.entries =
      maxSize === 0
        ? null
        : new LRUCache<string, string>({
            maxSize,
            // An answer larger than an eighth of the cache would push out too many others.
            maxEntrySize: maxSize / 8,
            sizeCalculation: (text, key) => text.length + key.length + ENTRY_OVERHEAD_BYTES,
          });
  }

  get(key: string): string | undefined {
    return this.entries?.get(key);
  }

  set(key: string, text: string): void {
    this.entries?.set(key, text);
  }

  /** Bytes held, as counted for the bound. */
  get size(): number {
    return this.entries?.calculatedSize ?? 0;
  }
}
