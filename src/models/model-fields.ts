import { BadRequestException, ForbiddenException } from '@nestjs/common';
import type { Caller } from '../access/caller';
import type { ModelFieldsDto } from './dto/model-fields.dto';
import { keepStoredImage } from './model-image';
import { checkParams, normaliseMeta, normalisePricing } from './model-input';
import { deriveModelColumns } from './model-search';
import type { ModelEntity } from './model.entity';

/**
 * Create's answer (409) when the id is taken, whoever's model holds it. The import gives the same
 * for an id it cannot read, so neither route tells a caller more about models it cannot see.
 */
export function idTakenMessage(id: string): string {
  return `A model with id "${id}" already exists`;
}

/**
 * Who may create which model: admins anything; users custom models while USER_CAN_CREATE_MODELS
 * is on. Shared by create and import, so both refuse with the same words.
 */
export function assertMayCreate(caller: Caller, baseModelId: string | null, userCanCreateModels: boolean): void {
  if (caller.isAdmin || (baseModelId !== null && userCanCreateModels)) return;
  throw new ForbiddenException(
    baseModelId === null ? 'Only admins may create base models' : 'Only admins may create models',
  );
}

/** A change cannot turn a base model into a custom model or back. */
export function assertSameKind(model: ModelEntity, baseModelId: string | null | undefined): void {
  if (baseModelId !== undefined && (baseModelId === null) !== (model.baseModelId === null)) {
    throw new BadRequestException('base_model_id cannot turn a base model into a custom model or back');
  }
}

/**
 * Applies the fields the client sent to the model (left-out fields keep their value; a new model,
 * one whose updatedAt is unset, gets the defaults) and refreshes the derived columns. Pure: that
 * the base model exists and is readable is for the caller to check (create, update, import).
 */
export function applyModelFields(model: ModelEntity, dto: ModelFieldsDto & { name?: string }, now: number): void {
  const isNew = model.updatedAt === undefined;
  if (isNew) model.baseModelId = dto.base_model_id ?? null;
  else if (dto.base_model_id) model.baseModelId = dto.base_model_id;
  if (dto.name !== undefined) model.name = dto.name;
  if (dto.params !== undefined || isNew) model.params = checkParams(dto.params ?? {});
  if (dto.meta !== undefined || isNew) {
    model.meta = normaliseMeta(keepStoredImage(dto.meta ?? {}, isNew ? undefined : model.meta, model.id));
  }
  if (dto.is_active !== undefined || isNew) model.isActive = dto.is_active ?? true;
  if (dto.owned_by !== undefined) model.ownedBy = dto.owned_by;
  if (dto.supported_endpoint_types !== undefined) model.supportedEndpointTypes = dto.supported_endpoint_types;
  if (dto.pricing !== undefined) model.pricing = normalisePricing(dto.pricing);
  if (dto.context_length !== undefined) model.contextLength = dto.context_length;
  if (dto.max_output_tokens !== undefined) model.maxOutputTokens = dto.max_output_tokens;
  if (model.baseModelId === null) applyBaseModelDefaults(model);
  Object.assign(model, deriveModelColumns(model));
  model.updatedAt = now;
}

/** Base models have no model to inherit from: owned_by is required, endpoint types default to chat. */
function applyBaseModelDefaults(model: ModelEntity): void {
  if (!model.ownedBy) throw new BadRequestException('owned_by is required for base models');
  model.supportedEndpointTypes ??= ['chat'];
}

/** Whether applying `dto` to the model changes (or sets) its base model: that one must be checked. */
export function baseModelToCheck(model: ModelEntity, dto: ModelFieldsDto, isNew: boolean): string | null {
  return model.baseModelId !== null && (isNew || dto.base_model_id) ? model.baseModelId : null;
}
