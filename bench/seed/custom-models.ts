import { deriveModelColumns, normaliseTags } from '../../src/models/model-search';
import { Random } from './random';
import { describe, modelName, pickWording, systemPrompt, Wording } from './wording';
import { randomTime, updateTime } from './time';
import { TAGS, TEAMS } from './words';

/** One models row, keyed by column name. */
export interface ModelRow {
  id: string;
  user_id: string | null;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  is_active: boolean;
  owned_by: string | null;
  supported_endpoint_types: string[] | null;
  pricing: Record<string, unknown> | null;
  context_length: number | null;
  max_output_tokens: number | null;
  tags: string[];
  search: string;
  name_sort: string;
  is_public: boolean;
  created_at: number;
  updated_at: number;
}

/** Who owns each custom model and how it is shared, decided before the rows are written. */
export interface ModelPlan {
  count: number;
  /** User index of each model's owner. */
  owner: Int32Array;
  isPublic: Uint8Array;
  isActive: Uint8Array;
  /** Filled in as rows are generated. */
  ids: string[];
}

export function planCustomModels(rng: Random, count: number, userCount: number, publicFraction: number): ModelPlan {
  const owner = new Int32Array(count);
  const isActive = new Uint8Array(count);
  const regular = userCount - 1;
  for (let i = 0; i < count; i++) {
    // Skewed: a few prolific authors, a long tail owning a handful each.
    owner[i] = 1 + Math.floor(regular * Math.pow(rng.next(), 1.6));
    isActive[i] = rng.chance(0.95) ? 1 : 0;
  }
  const isPublic = new Uint8Array(count);
  for (const i of rng.distinctInts(Math.round(count * publicFraction), count)) isPublic[i] = 1;
  return { count, owner, isPublic, isActive, ids: new Array<string>(count) };
}

export interface CustomModelContext {
  plan: ModelPlan;
  userIds: string[];
  /** Base models custom models may build on, most popular first. */
  baseIds: string[];
  images: string[];
  imageFraction: number;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function modelId(rng: Random, index: number, name: string): string {
  const prefix = rng.chance(0.2) ? `${rng.pick(TEAMS).toLowerCase()}/` : '';
  const version = rng.chance(0.08) ? `:v${rng.int(2, 5)}` : '';
  return `${prefix}${slug(name)}-${(index + 1).toString(36)}${version}`;
}

/** The subject's tag, plus up to three more, in the mixed case people type. */
function rawTags(rng: Random, wording: Wording): string[] {
  const names = [wording.subject.tag];
  const extra = rng.int(0, 3);
  for (let i = 0; i < extra; i++) names.push(rng.weighted(TAGS));
  return names.map((name) => (rng.chance(0.2) ? name.charAt(0).toUpperCase() + name.slice(1) : name));
}

function capabilities(rng: Random): Record<string, boolean> {
  return {
    vision: rng.chance(0.5),
    file_upload: rng.chance(0.7),
    web_search: rng.chance(0.3),
    image_generation: rng.chance(0.1),
    code_interpreter: rng.chance(0.2),
    citations: rng.chance(0.6),
    usage: rng.chance(0.4),
  };
}

function params(rng: Random, wording: Wording): Record<string, unknown> {
  const result: Record<string, unknown> = { system: systemPrompt(rng, wording) };
  if (rng.chance(0.7)) result.temperature = rng.int(0, 12) / 10;
  if (rng.chance(0.3)) result.top_p = rng.int(5, 10) / 10;
  if (rng.chance(0.3)) result.max_tokens = rng.pick([1024, 2048, 4096, 8192]);
  return result;
}

function meta(rng: Random, context: CustomModelContext, wording: Wording): Record<string, unknown> {
  const image = rng.chance(context.imageFraction) ? rng.pick(context.images) : '/static/favicon.png';
  const result: Record<string, unknown> = {
    profile_image_url: image,
    description: describe(rng, wording),
    capabilities: capabilities(rng),
    // Stored as the service stores them: lower-cased, once each.
    tags: normaliseTags(rawTags(rng, wording)).map((name) => ({ name })),
  };
  if (rng.chance(0.01)) result.hidden = true;
  return result;
}

export function makeCustomModel(rng: Random, context: CustomModelContext, index: number): ModelRow {
  const wording = pickWording(rng);
  const name = modelName(rng, wording);
  const id = modelId(rng, index, name);
  context.plan.ids[index] = id;
  const baseModelId = context.baseIds[Math.floor(context.baseIds.length * Math.pow(rng.next(), 2))];
  const modelMeta = meta(rng, context, wording);
  const derived = deriveModelColumns({ id, name, baseModelId, meta: modelMeta });
  const createdAt = randomTime(rng);
  return {
    id,
    user_id: context.userIds[context.plan.owner[index]],
    base_model_id: baseModelId,
    name,
    params: params(rng, wording),
    meta: modelMeta,
    is_active: context.plan.isActive[index] === 1,
    // Null: inherited from the base model when read.
    owned_by: null,
    supported_endpoint_types: null,
    pricing: null,
    context_length: null,
    max_output_tokens: null,
    tags: derived.tags,
    search: derived.search,
    name_sort: derived.nameSort,
    is_public: context.plan.isPublic[index] === 1,
    created_at: createdAt,
    updated_at: updateTime(rng, createdAt),
  };
}
