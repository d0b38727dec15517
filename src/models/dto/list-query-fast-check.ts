import { NO_CONTROL_CHARS } from '../../common/text-fields';
import type { ValidationShortcut } from '../../common/validation';
import { ListModelsQueryDto, ORDER_BY } from './list-models-query.dto';

/**
 * A fast path through the global validation pipe for the list's query (ListModelsQueryDto): the
 * pipe's class-transformer and class-validator pass costs ~20 µs of CPU in a warm loop and ~3 % of
 * a list request's CPU in the service's profile (a page the kept JSON answers). It answers the DTO
 * the pipe would answer only when the query is plain (the sort, the page, a view, a tag, a search
 * word, each once and well within its rules), and undefined when unsure: the query then goes
 * through the pipe, which words every refusal, so no answer changes. A unit test runs generated
 * query strings through both (test/unit/list-query-fast-check.unit.spec.ts).
 */

type Rule = (value: string) => boolean;

const VIEW_OPTIONS = new Set(['created', 'shared']);
const ORDERS = new Set<string>(ORDER_BY);
const DIRECTIONS = new Set(['asc', 'desc']);
/** ToInteger's decimal integers, without a sign or leading zero and at most 9 digits: ≤ Max(1e9), never ambiguous. */
const PLAIN_PAGE = /^[1-9]\d{0,8}$/;

/**
 * Each parameter's rule for a value the pipe certainly accepts. validator.js's lengths count a
 * surrogate pair or a variation selector as one character: never more than `.length`.
 */
const RULES = new Map<string, Rule>([
  ['query', (v) => v.length <= 500 && NO_CONTROL_CHARS.test(v)],
  ['view_option', (v) => VIEW_OPTIONS.has(v)],
  ['tag', (v) => v.length <= 256],
  ['order_by', (v) => ORDERS.has(v)],
  ['direction', (v) => DIRECTIONS.has(v)],
  ['page', (v) => PLAIN_PAGE.test(v)],
]);

/** The parameters this check takes (the unit test compares them with the DTO's). */
export const FAST_CHECKED_LIST_PARAMETERS = [...RULES.keys()];

/**
 * The ListModelsQueryDto the global pipe would make of `query` (node's querystring: a string, or
 * an array for a repeated parameter), or undefined when this check is not sure it would.
 */
export function plainListQuery(query: unknown): ListModelsQueryDto | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const prototype = Object.getPrototypeOf(query) as unknown;
  if (prototype !== null && prototype !== Object.prototype) return undefined;
  const dto = new ListModelsQueryDto();
  const fields = dto as Record<string, unknown>;
  for (const key of Object.keys(query)) {
    const value = (query as Record<string, unknown>)[key];
    const rule = RULES.get(key);
    if (rule === undefined || typeof value !== 'string' || !rule(value)) return undefined;
    fields[key] = key === 'page' ? Number(value) : value;
  }
  return dto;
}

/** The global pipe's fast paths (app.setup.ts and the early lane's list builder, early-misses.ts). */
export const VALIDATION_SHORTCUTS = new Map<new () => object, ValidationShortcut>([
  [ListModelsQueryDto, plainListQuery],
]);
