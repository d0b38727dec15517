import { HttpException, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import { describeError } from '../common/describe-error';
import { markMissingFields } from '../common/validation';
import { CreateModelDto, UpdateModelDto } from './dto/model-requests.dto';
import { ModelRepository } from './model.repository';
import { ModelsService } from './models.service';

export interface ImportResult {
  id: string;
  status: 'created' | 'updated' | 'skipped';
  reason?: string;
  /** What was left out of a model that was still imported (a public grant, unknown principals). */
  warnings?: string[];
}

/** Fields an export carries that the server owns: ignored on import, never stored (the import is a new version). */
const SERVER_FIELDS = ['user_id', 'user', 'created_at', 'updated_at', 'write_access', 'version'];

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => prefix + message),
    ...messages(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}

function withWarnings(result: ImportResult, warnings: string[]): ImportResult {
  return warnings.length > 0 ? { ...result, warnings } : result;
}

/** An import item that fails validation: reported as skipped, the other items go on. */
class InvalidItem extends Error {}

async function validated<T extends object>(type: new () => T, input: object): Promise<T> {
  const dto = plainToInstance(type, input);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new InvalidItem(messages(markMissingFields(errors)).join('; '));
  return dto;
}

/**
 * Creates or overwrites each model on its own, each in its own transaction (through
 * ModelsService), so a failure leaves that model whole or absent and the others unaffected.
 */
@Injectable()
export class ModelImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ModelRepository,
    private readonly models: ModelsService,
  ) {}

  async import(caller: Caller, items: Record<string, unknown>[]): Promise<{ results: ImportResult[] }> {
    const results: ImportResult[] = [];
    for (const item of items) results.push(await this.importOne(caller, item));
    return { results };
  }

  private async importOne(caller: Caller, item: Record<string, unknown>): Promise<ImportResult> {
    const id = typeof item.id === 'string' ? item.id : '';
    const input = Object.fromEntries(Object.entries(item).filter(([key]) => !SERVER_FIELDS.includes(key)));
    try {
      const access = await this.repository.access(this.dataSource.manager, caller, id);
      if (!access) {
        const created = await this.models.create(caller, await validated(CreateModelDto, input), 'import');
        return withWarnings({ id, status: 'created' }, created.warnings ?? []);
      }
      if (!access.canWrite)
        return { id, status: 'skipped', reason: 'A model with this id exists and you cannot write it' };
      const warnings: string[] = [];
      await this.models.update(caller, await validated(UpdateModelDto, input), warnings, 'import');
      return withWarnings({ id, status: 'updated' }, warnings);
    } catch (error) {
      if (error instanceof InvalidItem) return { id, status: 'skipped', reason: error.message };
      if (error instanceof HttpException) return { id, status: 'skipped', reason: describeError(error).message };
      throw error;
    }
  }
}
