import { Injectable, NotFoundException } from '@nestjs/common';
import { AccessGrantsService } from '../access/access-grants.service';
import type { Caller } from '../access/caller';
import type { ModelRow } from './model-read.sql';
import { ModelResponse, toModelResponse } from './model-response';
import { ModelRepository } from './model.repository';

/** Models as a given caller sees them; invisible models are indistinguishable from absent ones. */
@Injectable()
export class ModelReader {
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
}
