/**
 * Each listed model's JSON as one client family writes it (OpenAI's), kept across requests under
 * the row versions it was built from (ModelSummaryRow.version: the transactions that last wrote the
 * model's row and its base model's). Any write to either row, by whatever path (update, rename,
 * grants, import, restore, a direct SQL write), gives a new version, so a kept entry is never served
 * for a row it was not built from: there is nothing to invalidate. Least recently used entries go
 * first once the bytes kept pass `limitBytes`.
 */
export class ModelJsonCache {
  private readonly entries = new Map<string, { version: string; json: Buffer }>();
  private bytes = 0;

  constructor(private readonly limitBytes: number) {}

  /** The JSON kept for this model at this version, if any. */
  get(id: string, version: string): Buffer | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.version !== version) return undefined;
    // Map order is the recency order: a hit moves to the end.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.json;
  }

  set(id: string, version: string, json: Buffer): void {
    this.forget(id);
    const cost = entryCost(id, json);
    if (cost > this.limitBytes) return;
    this.entries.set(id, { version, json });
    this.bytes += cost;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.limitBytes) break;
      this.forget(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.bytes -= entryCost(id, entry.json);
  }
}

/** The JSON's bytes, the id twice (key and string) and a little for the entry itself. */
const entryCost = (id: string, json: Buffer) => json.length + 2 * id.length + 64;
