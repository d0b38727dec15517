import { HttpException, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { DataSource } from 'typeorm';
import type { Caller } from '../../access/caller';
import { describeError } from '../../common/describe-error';
import { markMissingFields } from '../../common/validation';
import { CreateModelDto, UpdateModelDto } from '../dto/model-requests.dto';
import { ModelRepository } from '../model.repository';
import { ModelsService } from '../models.service';
import { knownPrincipals, withKnownPrincipals, type KnownPrincipals } from './known-principals';
import { convertExportedModel, ImportFormatError } from './openwebui-export';

export interface ImportResult {
  id: string;
  status: 'created' | 'updated' | 'skipped';
  reason?: string;
  /** What was left out of a model that was still imported (a public grant, unknown principals). */
  warnings?: string[];
}

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
 * Items may be this service's export or Open WebUI's (openwebui-export.ts).
 */
@Injectable()
export class ModelImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ModelRepository,
    private readonly models: ModelsService,
  ) {}

  async import(caller: Caller, items: Record<string, unknown>[]): Promise<{ results: ImportResult[] }> {
    const converted = items.map((item) => {
      try {
        return convertExportedModel(item);
      } catch (error) {
        if (error instanceof ImportFormatError) return error;
        throw error;
      }
    });
    const grantLists = converted.flatMap((c) => (c instanceof Error || !c.grants ? [] : [c.grants]));
    const known = await knownPrincipals(this.dataSource.manager, grantLists);
    const results: ImportResult[] = [];
    for (const [index, item] of items.entries()) {
      const id = typeof item.id === 'string' ? item.id : '';
      const conversion = converted[index];
      if (conversion instanceof Error) results.push({ id, status: 'skipped', reason: conversion.message });
      else results.push(await this.importOne(caller, id, conversion, known));
    }
    return { results };
  }

  private async importOne(
    caller: Caller,
    id: string,
    item: ReturnType<typeof convertExportedModel>,
    known: KnownPrincipals,
  ): Promise<ImportResult> {
    const warnings: string[] = [];
    const input = item.grants
      ? { ...item.fields, access_grants: withKnownPrincipals(item.grants, known, warnings) }
      : item.fields;
    try {
      const access = await this.repository.access(this.dataSource.manager, caller, id);
      if (!access) {
        const created = await this.models.create(caller, await validated(CreateModelDto, input));
        return withWarnings({ id, status: 'created' }, [...warnings, ...(created.warnings ?? [])]);
      }
      if (!access.canWrite)
        return { id, status: 'skipped', reason: 'A model with this id exists and you cannot write it' };
      await this.models.update(caller, await validated(UpdateModelDto, input), warnings);
      return withWarnings({ id, status: 'updated' }, warnings);
    } catch (error) {
      if (error instanceof InvalidItem) return { id, status: 'skipped', reason: error.message };
      if (error instanceof HttpException) return { id, status: 'skipped', reason: describeError(error).message };
      throw error;
    }
  }
}
