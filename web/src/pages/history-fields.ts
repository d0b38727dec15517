import { grantsText, nameOf } from '../names';
import type { Pricing, Snapshot } from '../types';

/** A stored value in words: `null` in an inheritable field means the base model's. */
const inheritable = (value: number | null) => (value === null || value === undefined ? 'inherited' : String(value));

function priceText(pricing: Pricing | null): string {
  if (!pricing) return 'inherited';
  const currency = pricing.currency ?? 'USD';
  return `${pricing.input_per_million ?? '–'} in / ${pricing.output_per_million ?? '–'} out per million (${currency})`;
}

/**
 * A version's fields as labelled text, in the editor's order, so two versions compare field by
 * field. Names of people and groups are looked up; an image is "set" rather than its bytes.
 */
export async function fieldsOf(snapshot: Snapshot): Promise<[string, string][]> {
  const { system, ...params } = snapshot.params;
  const meta = snapshot.meta;
  const capabilities = Object.entries(meta.capabilities ?? {})
    .filter(([, on]) => on === true)
    .map(([name]) => name.replace('_', ' '));
  return [
    ['Name', snapshot.name],
    ['Base model', snapshot.base_model_id ?? 'none (a base model)'],
    ['Owner', snapshot.user_id ? await nameOf('user', snapshot.user_id) : 'nobody'],
    ['Description', meta.description ?? ''],
    ['Tags', (meta.tags ?? []).map((tag) => tag.name).join(', ')],
    ['System prompt', typeof system === 'string' ? system : ''],
    ['Other parameters', JSON.stringify(params, null, 2)],
    ['Profile image', meta.profile_image_url ? 'set' : 'none'],
    ['Capabilities', capabilities.join(', ') || 'none'],
    ['Endpoint types', snapshot.supported_endpoint_types?.join(', ') ?? 'inherited'],
    ['Context length', inheritable(snapshot.context_length)],
    ['Max output tokens', inheritable(snapshot.max_output_tokens)],
    ['Pricing', priceText(snapshot.pricing)],
    ['Active', snapshot.is_active ? 'yes' : 'no'],
    ['Hidden', meta.hidden === true ? 'yes' : 'no'],
    ['Access', await grantsText(snapshot.access_grants)],
  ];
}

export interface FieldChange {
  label: string;
  before?: string;
  after: string;
}

/** The fields of `after` that differ from `before` (every field when there is no earlier version). */
export async function changesOf(after: Snapshot, before: Snapshot | undefined): Promise<FieldChange[]> {
  const now = await fieldsOf(after);
  if (!before) return now.map(([label, text]) => ({ label, after: text }));
  const then = new Map(await fieldsOf(before));
  return now
    .filter(([label, text]) => then.get(label) !== text)
    .map(([label, text]) => ({ label, before: then.get(label), after: text }));
}

/** The action of a version, in words. */
export const ACTION_TEXT: Record<string, string> = {
  create: 'created',
  update: 'edited',
  access: 'changed who has access',
  toggle: 'activated or deactivated',
  import: 'imported',
  restore: 'restored an earlier version',
  transfer: 'transferred ownership',
};
