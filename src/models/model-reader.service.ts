import { Injectable, NotFoundException } from '@nestjs/common';
import { AccessGrantsService } from '../access/access-grants.service';
import type { Caller } from '../access/caller';
import { KeptListJson } from './model-list-json';
import type { ListParams, ModelRow } from './model-read.sql';
import { ModelResponse, toModelResponse } from './model-response';
import { ModelRepository, VersionedModelRow } from './model.repository';

/** ~1.5 KB a model: some 5,000 models' JSON. */
const KEPT_LIST_JSON_BYTES = 8 * 1024 * 1024;
const LINKED = { linkImages: true };

/** Models as a given caller sees them; invisible models are indistinguishable from absent ones. */
@Injectable()
export class ModelReader {
  private readonly kept = new KeptListJson(KEPT_LIST_JSON_BYTES);

  constructor(
    private readonly models: ModelRepository,
    private readonly grants: AccessGrantsService,
  ) {}

  /** The model, or 404 when it does not exist or the caller cannot read it. */
  async one(caller: Caller, id: string): Promise<ModelResponse> {
    const row = await this.models.findReadable(caller, id);
    if (!row) throw new NotFoundException('Model not found');
    const [model] = await this.toResponses([row], { linkImages: false });
    return model;
  }

  /** Responses for rows read by ModelRepository; writers get each model's grants. */
  async toResponses(rows: ModelRow[], options: { linkImages: boolean }): Promise<ModelResponse[]> {
    const grants = await this.grants.grantsOf(rows.filter((row) => row.write_access).map((row) => row.id));
    return rows.map((row) => toModelResponse(row, grants.get(row.id) ?? [], options));
  }

  /**
   * The list page's models as JSON bytes, in order (model-list-json.ts): the page's ids and row
   * versions, then the JSON kept for them; the rows without any are read by id and built. When one
   * of those changed or left the list between the two statements, the whole page is read again in
   * one statement, so a page is always one snapshot's.
   */
  async pageJson(caller: Caller, params: ListParams): Promise<Buffer[]> {
    const listed = await this.models.listPageVersions(caller, params);
    const pieces = listed.map((row) => this.kept.get(row));
    const missing = listed.filter((_row, index) => pieces[index] === undefined);
    if (missing.length === 0) return pieces as Buffer[];
    const built = await this.keep(
      await this.models.listRows(
        caller,
        missing.map((row) => row.id),
      ),
    );
    for (const [index, row] of listed.entries()) {
      if (pieces[index] !== undefined) continue;
      const json = built.get(row.id);
      if (json === undefined || json.version !== row.row_version || json.write !== row.write_access) {
        const whole = await this.models.listPageRows(caller, params);
        const again = await this.keep(whole);
        return whole.map((model) => again.get(model.id)!.bytes);
      }
      pieces[index] = json.bytes;
    }
    return pieces as Buffer[];
  }

  /** Builds and keeps the rows' JSON, by id. */
  private async keep(rows: VersionedModelRow[]): Promise<Map<string, BuiltJson>> {
    const responses = await this.toResponses(rows, LINKED);
    const built = new Map<string, BuiltJson>();
    rows.forEach((row, index) => {
      const bytes = this.kept.set(row, JSON.stringify(responses[index]));
      built.set(row.id, { version: row.row_version, write: row.write_access, bytes });
    });
    return built;
  }
}

interface BuiltJson {
  version: string;
  write: boolean;
  bytes: Buffer;
}
