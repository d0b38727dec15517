import { BadRequestException } from '@nestjs/common';
import { NO_CONTROL_CHARS } from '../common/text-fields';
import { ENDPOINT_TYPES, EndpointType } from './model.entity';

/**
 * What a model list may be narrowed to by content (docs/api.md, "Filters"), the same on the
 * workspace list and every gateway list. Repeated parameters: endpoint_type and owned_by match
 * any of the values, capability needs all of them; the two numbers take one value.
 */
export interface ModelFilters {
  endpointTypes: EndpointType[];
  ownedBy: string[];
  capabilities: string[];
  minContextLength: number | null;
  maxInputPrice: number | null;
}

export const NO_MODEL_FILTERS: ModelFilters = {
  endpointTypes: [],
  ownedBy: [],
  capabilities: [],
  minContextLength: null,
  maxInputPrice: null,
};

export function hasModelFilters(filters: ModelFilters | undefined): filters is ModelFilters {
  if (!filters) return false;
  const { endpointTypes, ownedBy, capabilities, minContextLength, maxInputPrice } = filters;
  return (
    endpointTypes.length + ownedBy.length + capabilities.length > 0 ||
    minContextLength !== null ||
    maxInputPrice !== null
  );
}

const MAX_VALUES = 50;
const MAX_TEXT = 256;
const MAX_INT = 2_147_483_647;
/** Plain decimals only: `1e3`, `0x10`, ` 5` or `-1` are 400s, not numbers read loosely. */
const DECIMAL = /^\d{1,12}(\.\d{1,12})?$/;

/** The filters a query string names; a bad value is a 400 naming the parameter. */
export function parseModelFilters(query: Record<string, unknown>): ModelFilters {
  return {
    endpointTypes: textValues(query, 'endpoint_type').map((value) => endpointType(value)),
    ownedBy: textValues(query, 'owned_by'),
    capabilities: textValues(query, 'capability'),
    minContextLength: integerValue(query, 'min_context_length'),
    maxInputPrice: decimalValue(query, 'max_input_price'),
  };
}

function fail(name: string, message: string): never {
  throw new BadRequestException(`${name}: ${message}`);
}

/** Every value of a repeatable parameter; empty values are left out (as an absent one). */
function textValues(query: Record<string, unknown>, name: string): string[] {
  const raw = query[name];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (list.length > MAX_VALUES) fail(name, `give at most ${MAX_VALUES} values`);
  const values = list.filter((value) => value !== '');
  for (const value of values) {
    if (typeof value !== 'string') fail(name, 'must be plain text (repeat the parameter for several values)');
    if (value.length > MAX_TEXT) fail(name, `must be at most ${MAX_TEXT} characters`);
    if (!NO_CONTROL_CHARS.test(value)) fail(name, 'must not contain control characters');
  }
  return values as string[];
}

function endpointType(value: string): EndpointType {
  if (!(ENDPOINT_TYPES as readonly string[]).includes(value)) {
    fail('endpoint_type', `must be one of ${ENDPOINT_TYPES.join(', ')}, got "${value.slice(0, 64)}"`);
  }
  return value as EndpointType;
}

function singleValue(query: Record<string, unknown>, name: string): string | null {
  const raw = query[name];
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') fail(name, 'give at most one value');
  return raw;
}

function integerValue(query: Record<string, unknown>, name: string): number | null {
  const raw = singleValue(query, name);
  if (raw === null) return null;
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(value <= MAX_INT)) fail(name, `must be an integer from 0 to ${MAX_INT}, got "${raw.slice(0, 64)}"`);
  return value;
}

function decimalValue(query: Record<string, unknown>, name: string): number | null {
  const raw = singleValue(query, name);
  if (raw === null) return null;
  if (!DECIMAL.test(raw)) fail(name, `must be a number of at least 0 like 2.5, got "${raw.slice(0, 64)}"`);
  return Number(raw);
}
