import type { Model, ModelMeta, Pricing } from '../types';

export const CAPABILITIES = [
  'vision',
  'file_upload',
  'web_search',
  'image_generation',
  'code_interpreter',
  'citations',
];
export const ENDPOINT_TYPES = ['chat', 'completion', 'embedding', 'image', 'audio', 'rerank'];

/** What the editor's inputs hold: text as typed; '' in an inheritable field means "inherit". */
export interface ModelForm {
  base_model_id: string;
  id: string;
  name: string;
  system: string;
  params: string;
  description: string;
  tags: string;
  image: string;
  capabilities: Record<string, boolean>;
  /** null: inherit the base model's. */
  endpoint_types: string[] | null;
  context_length: string;
  max_output_tokens: string;
  input_price: string;
  output_price: string;
  currency: string;
}

export function emptyForm(): ModelForm {
  return {
    base_model_id: '',
    id: '',
    name: '',
    system: '',
    params: '{}',
    description: '',
    tags: '',
    image: '',
    capabilities: {},
    endpoint_types: null,
    context_length: '',
    max_output_tokens: '',
    input_price: '',
    output_price: '',
    currency: '',
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/**
 * The form for an existing model. Answers show inherited values in effect, so a value equal to the
 * base model's is shown as inherited (empty, with the base's value as placeholder).
 */
export function formOf(model: Model, base: Model | undefined): ModelForm {
  const { system, ...rest } = model.params;
  const own = <T>(value: T, inherited: T | undefined): T | null => (base && same(value, inherited) ? null : value);
  const pricing = own(model.pricing, base?.pricing);
  return {
    base_model_id: model.base_model_id ?? '',
    id: model.id,
    name: model.name,
    system: typeof system === 'string' ? system : '',
    params: JSON.stringify(rest, null, 2),
    description: model.meta.description ?? '',
    tags: (model.meta.tags ?? []).map((tag) => tag.name).join(', '),
    image: model.meta.profile_image_url ?? '',
    capabilities: { ...(model.meta.capabilities ?? {}) },
    endpoint_types: own(model.supported_endpoint_types, base?.supported_endpoint_types),
    context_length: text(own(model.context_length, base?.context_length)),
    max_output_tokens: text(own(model.max_output_tokens, base?.max_output_tokens)),
    input_price: text(pricing?.input_per_million),
    output_price: text(pricing?.output_per_million),
    currency: pricing?.currency ?? '',
  };
}

/** A field's problem, named as the API names it, so it is shown at that field. */
export class FormError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function integer(value: string, field: string): number | null {
  if (value.trim() === '') return null;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new FormError(field, `${field} must be a whole number above 0`);
  return number;
}

function price(value: string, field: string): number | null {
  if (value.trim() === '') return null;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new FormError(field, `${field} must be a number ≥ 0`);
  return number;
}

/** The request body for create or update; `meta` keeps keys the form does not show (e.g. `hidden`). */
export function bodyOf(form: ModelForm, meta: ModelMeta): Record<string, unknown> {
  let params: unknown;
  try {
    params = JSON.parse(form.params || '{}');
  } catch {
    throw new FormError('params', 'params must be a JSON object, e.g. {"temperature": 0.2}');
  }
  if (!params || typeof params !== 'object' || Array.isArray(params))
    throw new FormError('params', 'params must be a JSON object, e.g. {"temperature": 0.2}');
  const tags = form.tags
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  const input = price(form.input_price, 'input_per_million');
  const output = price(form.output_price, 'output_per_million');
  const pricing: Pricing | null =
    input === null && output === null
      ? null
      : { input_per_million: input, output_per_million: output, currency: form.currency.trim() || 'USD' };
  const nextMeta: ModelMeta = { ...meta, description: form.description, tags: tags.map((name) => ({ name })) };
  nextMeta.capabilities = form.capabilities;
  if (form.image) nextMeta.profile_image_url = form.image;
  else delete nextMeta.profile_image_url;
  return {
    id: form.id,
    base_model_id: form.base_model_id,
    name: form.name,
    params: form.system ? { ...params, system: form.system } : params,
    meta: nextMeta,
    supported_endpoint_types: form.endpoint_types,
    context_length: integer(form.context_length, 'context_length'),
    max_output_tokens: integer(form.max_output_tokens, 'max_output_tokens'),
    pricing,
  };
}

/** Suggests an id from a name: lower case, words joined by '-', only characters ids allow. */
export function suggestId(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 256);
}

/** Which form field an API error's detail names (e.g. "name must be ...", "meta.tags ..."), if any. */
export function fieldOfDetail(detail: string): string | undefined {
  const match = /^(?:property )?([a-z_]+(?:\.[a-z_]+)*)/.exec(detail);
  if (!match) return undefined;
  const path = match[1];
  if (path.startsWith('meta.tags')) return 'tags';
  if (path.startsWith('meta.description')) return 'description';
  if (path.startsWith('meta.profile_image_url')) return 'image';
  if (path.startsWith('pricing')) return 'input_per_million';
  return path.split('.')[0];
}
