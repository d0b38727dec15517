import { NO_CONTROL_CHARS } from '../../common/text-fields';
import { MODEL_ID_PATTERN } from '../dto/model-fields.dto';
import { CreateModelDto, UpdateModelDto } from '../dto/model-requests.dto';
import { ENDPOINT_TYPES } from '../model.entity';

/**
 * A fast "certainly valid" test of an import item's DTO (importDto), run before class-validator:
 * validateSync was half of the service's CPU on a large import. It answers true only when every
 * rule of CreateModelDto / UpdateModelDto holds (whitelist and forbidNonWhitelisted included), and
 * false when unsure: the item then goes through validateSync, which words every error, so the
 * answers never change. A unit test holds it to validateSync on thousands of generated items and
 * to the DTOs' list of validated properties (test/unit/import-fast-check.unit.spec.ts).
 */

/** Fields the server owns (ReturnedModelFieldsDto, @Allow): any value passes. */
const ALLOWED_ANY = new Set(['user_id', 'user', 'write_access', 'created_at', 'updated_at']);
const PRINCIPAL_TYPES = new Set(['user', 'group', 'anyone']);
const PERMISSIONS = new Set(['read', 'write']);
const ENDPOINTS = new Set<unknown>(ENDPOINT_TYPES);

/**
 * Length(1, max) on a string. validator.js counts a surrogate pair, or a character with its
 * variation selector, as one: never more than .length, and at least one in a non-empty string.
 */
const text = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max;
const plainObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
const count = (value: unknown): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 2_000_000_000;

function grantValid(grant: unknown): boolean {
  if (!plainObject(grant)) return false;
  for (const key of Object.keys(grant as object)) {
    if (key !== 'principal_type' && key !== 'principal_id' && key !== 'permission') return false;
  }
  const { principal_type: type, principal_id: id, permission } = grant as Record<string, unknown>;
  if (!PRINCIPAL_TYPES.has(type as string) || !PERMISSIONS.has(permission as string)) return false;
  return (type === 'anyone' && id === undefined) || text(id, 64);
}

function grantsValid(grants: unknown): boolean {
  return Array.isArray(grants) && grants.length <= 1000 && grants.every(grantValid);
}

function endpointsValid(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => ENDPOINTS.has(v)) && new Set(value).size === value.length;
}

type Rule = (value: unknown) => boolean;
const idValid: Rule = (v) => text(v, 256) && MODEL_ID_PATTERN.test(v);
const nameValid: Rule = (v) => text(v, 256) && NO_CONTROL_CHARS.test(v);
const nullOr =
  (rule: Rule): Rule =>
  (v) =>
    v === null || rule(v);

/** Each validated property of the DTOs and its rule for a value that is there (not undefined). */
const RULES = new Map<string, Rule>([
  ['id', idValid],
  ['name', nullOr(nameValid)],
  ['base_model_id', nullOr((v) => text(v, 256))],
  ['owned_by', nullOr((v) => text(v, 256))],
  ['params', nullOr(plainObject)],
  ['meta', nullOr(plainObject)],
  ['is_active', nullOr((v) => typeof v === 'boolean')],
  ['supported_endpoint_types', nullOr(endpointsValid)],
  // Nested and whitelisted (PricingDto): rare in exports, left to class-validator.
  ['pricing', (v) => v === null],
  ['context_length', nullOr(count)],
  ['max_output_tokens', nullOr(count)],
  ['version', nullOr(count)],
  ['access_grants', nullOr(grantsValid)],
]);

/** The properties this check knows (the unit test compares them with the DTOs'). */
export const FAST_CHECKED_PROPERTIES = [...RULES.keys(), ...ALLOWED_ANY];

/** True only if validateSync would find nothing wrong with `dto` (a create's when !exists). */
export function certainlyValid(dto: object, exists: boolean): boolean {
  // class-validator finds the rules through the prototype (a `__proto__` key could have replaced it).
  if (Object.getPrototypeOf(dto) !== (exists ? UpdateModelDto : CreateModelDto).prototype) return false;
  const fields = dto as Record<string, unknown>;
  // Required: the id always, the name for a create.
  if (!idValid(fields.id) || (!exists && !nameValid(fields.name))) return false;
  for (const key of Object.keys(fields)) {
    if (ALLOWED_ANY.has(key)) continue;
    const rule = RULES.get(key);
    // Not a property of the DTOs: forbidNonWhitelisted refuses it, even with the value undefined.
    if (rule === undefined) return false;
    const value = fields[key];
    if (value !== undefined && !rule(value)) return false;
  }
  return true;
}
