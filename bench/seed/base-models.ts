import { deriveModelColumns } from '../../src/models/model-search';
import { Random } from './random';
import { SEED_START, randomTime } from './time';
import type { ModelRow } from './custom-models';

interface Family {
  ownedBy: string;
  contextLength: number;
  maxOutput: number;
  /** Price per million input and output tokens in USD, when the provider bills per token. */
  price?: [number, number];
  ids: string;
}

// Real provider model ids, most used first (custom models favour the front of the list).
const FAMILIES: Family[] = [
  {
    ownedBy: 'openai',
    contextLength: 128000,
    maxOutput: 16384,
    price: [2.5, 10],
    ids: 'gpt-4o gpt-4o-mini gpt-4.1 gpt-4.1-mini gpt-4o-2024-08-06 gpt-4o-2024-11-20 gpt-4-turbo gpt-4.1-nano o3-mini o4-mini o1 o1-mini gpt-3.5-turbo gpt-5 gpt-5-mini chatgpt-4o-latest',
  },
  {
    ownedBy: 'anthropic',
    contextLength: 200000,
    maxOutput: 8192,
    price: [3, 15],
    ids: 'claude-3-5-sonnet claude-3-5-sonnet-20241022 claude-3-7-sonnet-20250219 claude-sonnet-4-20250514 claude-3-5-haiku-20241022 claude-3-opus-20240229 claude-3-haiku-20240307 claude-opus-4-1-20250805 claude-sonnet-4-5',
  },
  {
    ownedBy: 'google',
    contextLength: 1048576,
    maxOutput: 8192,
    price: [1.25, 5],
    ids: 'gemini-1.5-pro gemini-1.5-flash gemini-2.0-flash gemini-2.5-pro gemini-2.5-flash gemini-1.5-pro-002 gemini-1.5-flash-8b gemini-2.0-flash-lite gemma-3-27b-it',
  },
  {
    ownedBy: 'mistral',
    contextLength: 128000,
    maxOutput: 8192,
    price: [2, 6],
    ids: 'mistral-large-latest mistral-small-latest codestral-latest open-mistral-nemo pixtral-large-latest ministral-8b-latest',
  },
  {
    ownedBy: 'meta',
    contextLength: 131072,
    maxOutput: 4096,
    ids: 'meta-llama/Llama-3.3-70B-Instruct meta-llama/Llama-3.1-8B-Instruct meta-llama/Llama-3.1-70B-Instruct meta-llama/Llama-3.1-405B-Instruct',
  },
  {
    ownedBy: 'deepseek',
    contextLength: 65536,
    maxOutput: 8192,
    price: [0.27, 1.1],
    ids: 'deepseek-chat deepseek-reasoner deepseek-coder',
  },
  {
    ownedBy: 'ollama',
    contextLength: 32768,
    maxOutput: 4096,
    ids: 'llama3.1:8b llama3.1:70b qwen2.5:7b qwen2.5-coder:32b mistral:7b phi3:mini deepseek-r1:14b gemma2:9b',
  },
  { ownedBy: 'cohere', contextLength: 128000, maxOutput: 4096, price: [2.5, 10], ids: 'command-r command-r-plus' },
  { ownedBy: 'xai', contextLength: 131072, maxOutput: 8192, price: [2, 10], ids: 'grok-2 grok-beta' },
];

// The same models again behind routers and clouds, until the requested count is reached.
const HOSTS = ['openrouter', 'azure', 'bedrock', 'vertex', 'together', 'groq', 'fireworks', 'litellm'];

interface BaseSpec {
  id: string;
  family: Family;
}

function baseSpecs(count: number): BaseSpec[] {
  const direct = FAMILIES.flatMap((family) => family.ids.split(' ').map((id) => ({ id, family })));
  const specs = [...direct];
  for (let round = 0; specs.length < count; round++) {
    const host = HOSTS[round % HOSTS.length];
    const version = round < HOSTS.length ? '' : `-v${Math.floor(round / HOSTS.length) + 1}`;
    for (const spec of direct) specs.push({ id: `${host}/${spec.id}${version}`, family: spec.family });
  }
  return specs.slice(0, count);
}

function displayName(id: string): string {
  const last = id.slice(id.lastIndexOf('/') + 1);
  return last.charAt(0).toUpperCase() + last.slice(1).replaceAll('-', ' ');
}

function baseRow(rng: Random, spec: BaseSpec, adminId: string): ModelRow {
  const { family } = spec;
  const name = displayName(spec.id);
  const meta = { description: `${name} served by ${family.ownedBy}.`, capabilities: { vision: true, usage: true } };
  const createdAt = randomTime(rng, SEED_START - 30 * 86400);
  const pricing =
    family.price && rng.chance(0.8)
      ? { input_per_million: family.price[0], output_per_million: family.price[1], per_request: null, currency: 'USD' }
      : null;
  const derived = deriveModelColumns({ id: spec.id, name, baseModelId: null, meta });
  return {
    id: spec.id,
    user_id: adminId,
    base_model_id: null,
    name,
    params: {},
    meta,
    is_active: true,
    owned_by: family.ownedBy,
    supported_endpoint_types: ['chat'],
    pricing,
    context_length: family.contextLength,
    max_output_tokens: family.maxOutput,
    tags: derived.tags,
    search: derived.search,
    name_sort: derived.nameSort,
    // Base models are shared with everyone (user:*), so any user can build on them.
    is_public: true,
    created_at: createdAt,
    updated_at: createdAt,
  };
}

export function makeBaseModels(rng: Random, count: number, adminId: string): ModelRow[] {
  return baseSpecs(count).map((spec) => baseRow(rng, spec, adminId));
}
