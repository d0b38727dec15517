import { LRUCache } from 'lru-cache';

/**
 * Each listed model's JSON as one client family writes it (OpenAI's), kept across requests under
 * the row versions it was built from (listableSql's `row_version`: the transactions that last wrote
 * the model's row and its base model's). Any write to either row, by whatever path (update, grants,
 * import, restore, a direct SQL write), gives a new version, so a kept entry is never served for a
 * row it was not built from: there is nothing to invalidate. Once the bytes kept pass `limitBytes`,
 * entries not used since they were last passed over go first (the "clock" approximation of least
 * recently used: a hit only marks its entry, cheaper than reordering 500 entries a request).
 */
export class ModelJsonCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly answers: LRUCache<string, Buffer> | null;

  /**
   * `answerBytes` bounds the whole answers kept (`answer`/`keepAnswer`); 0 keeps none. An answer
   * larger than a quarter of it is not kept.
   */
  constructor(
    private readonly limitBytes: number,
    answerBytes = 0,
  ) {
    this.answers =
      answerBytes === 0
        ? null
        : new LRUCache<string, Buffer>({
            maxSize: answerBytes,
            maxEntrySize: answerBytes / 4,
            sizeCalculation: (bytes, versions) => bytes.length + versions.length + ANSWER_OVERHEAD_BYTES,
          });
  }

  /**
   * The whole list's bytes kept for exactly this list of ids and row versions (the versions
   * statement's text, compared whole, not by a digest): the list's JSON is made of its models' JSON
   * in that order, each a function of its id and versions, so equal texts mean equal answers,
   * whichever caller or key asked (the access rule and the allow-list already chose the ids).
   */
  answer(versions: string): Buffer | undefined {
    return this.answers?.get(versions);
  }

  /** Keeps the list's bytes under its versions text; the caller must not change them afterwards. */
  keepAnswer(versions: string, bytes: Buffer): void {
    this.answers?.set(versions, bytes);
  }

  /** Bytes of whole answers held, as counted for their bound. */
  get answerBytes(): number {
    return this.answers?.calculatedSize ?? 0;
  }

  /** The JSON kept for this model at this version, if any. */
  get(id: string, version: string): Buffer | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.version !== version) return undefined;
    entry.used = true;
    return entry.json;
  }

  set(id: string, version: string, json: Buffer): void {
    this.forget(id);
    const cost = entryCost(id, json);
    if (cost > this.limitBytes) return;
    this.entries.set(id, { version, json, used: false });
    this.bytes += cost;
    while (this.bytes > this.limitBytes) this.evictOne();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The oldest entry not used since it was last passed over; used ones get another round at the end. */
  private evictOne(): void {
    for (const [id, entry] of this.entries) {
      if (!entry.used) {
        this.forget(id);
        return;
      }
      entry.used = false;
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.bytes -= entryCost(id, entry.json);
  }
}

interface Entry {
  version: string;
  json: Buffer;
  /** Read since the eviction clock last passed it. */
  used: boolean;
}

/** The map and list nodes of an LRU entry, roughly (as the answer cache counts them). */
const ANSWER_OVERHEAD_BYTES = 200;

/** The JSON's bytes, the id twice (key and string) and a little for the entry itself. */
const entryCost = (id: string, json: Buffer) => json.length + 2 * id.length + 64;
