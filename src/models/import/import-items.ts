import { validateSync, ValidationError } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { AccessGrantDto } from '../../access/dto/access-grant.dto';
import { markMissingFields } from '../../common/validation';
import { PricingDto } from '../dto/model-fields.dto';
import { CreateModelDto, UpdateModelDto } from '../dto/model-requests.dto';
import { certainlyValid } from './import-fast-check';
import { knownPrincipals, withKnownPrincipals } from './known-principals';
import { ConvertedItem, convertExportedModel, ImportFormatError } from './openwebui-export';

export interface ImportResult {
  id: string;
  status: 'created' | 'updated' | 'skipped';
  reason?: string;
  /** What was left out of a model that was still imported (a public grant, unknown principals). */
  warnings?: string[];
}

export const NOT_WRITABLE = 'A model with this id exists and you cannot write it';

/** An item that passed conversion and validation, ready to be written. */
export interface ImportItem {
  /** Its place in the request, for its result. */
  index: number;
  id: string;
  /** Validated as a create (the id did not exist) or as an update; grants apart. */
  dto: Omit<UpdateModelDto, 'access_grants'>;
  /** undefined: none given (a new model gets none, an existing one keeps its own). */
  grants: AccessGrantDto[] | undefined;
  warnings: string[];
}

export function withWarnings(result: ImportResult, warnings: string[]): ImportResult {
  return warnings.length > 0 ? { ...result, warnings } : result;
}

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => prefix + message),
    ...messages(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}

function converted(item: Record<string, unknown>): ConvertedItem | ImportFormatError {
  try {
    return convertExportedModel(item);
  } catch (error) {
    if (error instanceof ImportFormatError) return error;
    throw error;
  }
}

const isObject = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The DTO class-transformer's plainToInstance would build (the model DTOs have no @Transform; their
 * two @Type fields, access_grants and pricing, are built here): an import of thousands of models
 * spends most of its time in plainToInstance and async validate otherwise. A unit test holds the
 * two to the same answers (test/unit/import-items.unit.spec.ts).
 */
export function importDto(input: Record<string, unknown>, exists: boolean): UpdateModelDto {
  const dto: UpdateModelDto = Object.assign(exists ? new UpdateModelDto() : new CreateModelDto(), input);
  if (Array.isArray(input.access_grants)) {
    dto.access_grants = input.access_grants.map((grant: unknown) =>
      isObject(grant) ? Object.assign(new AccessGrantDto(), grant) : (grant as AccessGrantDto),
    );
  }
  // Not a list: built as one grant, as @Type builds it, so validation answers alike.
  if (isObject(input.access_grants)) {
    (dto as { access_grants: unknown }).access_grants = Object.assign(new AccessGrantDto(), input.access_grants);
  }
  if (isObject(input.pricing)) dto.pricing = Object.assign(new PricingDto(), input.pricing);
  return dto;
}

/**
 * The item's fields validated as a create or an update; a list of what is wrong otherwise. Most
 * items pass the fast check; the others get class-validator's words.
 */
function validated(input: Record<string, unknown>, exists: boolean): UpdateModelDto | string {
  const dto = importDto(input, exists);
  if (certainlyValid(dto, exists)) return dto;
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length > 0 ? messages(markMissingFields(errors)).join('; ') : dto;
}

/**
 * Converts (Open WebUI's files too) and validates every item, without writing: grants naming
 * users or groups unknown here are left out with a warning (one query per principal type for the
 * whole request). Answers the items to write and, at their places, the results of those skipped.
 */
export async function prepareItems(
  manager: EntityManager,
  raw: Record<string, unknown>[],
  existing: Set<string>,
): Promise<{ items: ImportItem[]; results: ImportResult[] }> {
  const conversions = raw.map(converted);
  const grantLists = conversions.flatMap((c) => (c instanceof Error || !c.grants ? [] : [c.grants]));
  const known = await knownPrincipals(manager, grantLists);
  const items: ImportItem[] = [];
  const results: ImportResult[] = new Array<ImportResult>(raw.length);
  for (const [index, conversion] of conversions.entries()) {
    const id = typeof raw[index].id === 'string' ? raw[index].id : '';
    if (conversion instanceof Error) {
      results[index] = { id, status: 'skipped', reason: conversion.message };
      continue;
    }
    const warnings: string[] = [];
    const grants = conversion.grants && withKnownPrincipals(conversion.grants, known, warnings);
    const input = grants ? { ...conversion.fields, access_grants: grants } : conversion.fields;
    const dto = validated(input, existing.has(id));
    if (typeof dto === 'string') {
      results[index] = { id, status: 'skipped', reason: dto };
      continue;
    }
    const { access_grants: requested, ...fields } = dto;
    items.push({ index, id, dto: fields, grants: requested, warnings });
  }
  return { items, results };
}
