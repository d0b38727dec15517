import { LRUCache } from 'lru-cache';
import type { ListRowVersion } from './model-read.sql';

/**
 * The workspace list's models' JSON (each JSON.stringify(toModelResponse(row, grants, { linkImages:
 * true }))), kept across requests under the row version it was built from (listPageVersionsSql's
 * `row_version`: the transactions that last wrote the model's row, its base model's and its owner's)
 * and whether the caller could write it (writers see params and grants). A page is then its rows'
 * ids and versions, one narrow statement, and the bytes kept for them: no wide rows read and parsed,
 * no objects built and stringified per request (README, Performance, "The list's own CPU"). A write
 * to any of those rows, by any path, gives a new version, so nothing is invalidated: an entry is
 * never found for a version it was not built from. The JSON depends on nothing else (the caller's
 * access chose the rows and the write flag), so callers share it. Bounded by bytes, least recently
 * used first.
 */
export class KeptListJson {
  private readonly entries: LRUCache<string, Entry>;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => entry.json.length + entry.version.length + 2 * key.length + ENTRY_OVERHEAD_BYTES,
    });
  }

  /** The JSON kept for this row at its version and write access, if any. */
  get(row: ListRowVersion): Buffer | undefined {
    const entry = this.entries.get(keyOf(row));
    return entry?.version === row.row_version ? entry.json : undefined;
  }

  /** Keeps `json` (a model's JSON text) for the row; returns its bytes. */
  set(row: ListRowVersion, json: string): Buffer {
    // Its own memory, not a slice of Buffer's shared 8 KB pool, which one kept entry would pin whole.
    const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    bytes.write(json);
    this.entries.set(keyOf(row), { version: row.row_version, json: bytes });
    return bytes;
  }

  /** Bytes held, as counted for the bound. */
  get size(): number {
    return this.entries.calculatedSize;
  }
}

interface Entry {
  version: string;
  json: Buffer;
}

/** The LRU's nodes and the entry object, roughly (as the answer cache counts them). */
const ENTRY_OVERHEAD_BYTES = 200;

const keyOf = (row: ListRowVersion): string => (row.write_access ? 'w:' : 'r:') + row.id;

/** What follows the models in the list's answer, `{"items":[...],"total":n}` as JSON.stringify writes it. */
export function listAnswerTail(total: number): string {
  return '],"total":' + JSON.stringify(total) + '}';
}
