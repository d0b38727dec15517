import { BadRequestException } from '@nestjs/common';
import { parseImageDataUri } from './model-image';
import { normaliseTags } from './model-search';
import type { ModelPricing } from './model.entity';
import type { PricingDto } from './dto/model-fields.dto';

const PARAMS_LIMIT = 64 * 1024;
const META_LIMIT = 256 * 1024;

function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** PostgreSQL text and jsonb cannot hold NUL characters: name them instead of failing on insert. */
function assertNoNul(field: string, value: unknown): void {
  if (JSON.stringify(value).includes('\\u0000'))
    throw new BadRequestException(`${field} must not contain NUL characters`);
}

export function checkParams(params: Record<string, unknown>): Record<string, unknown> {
  if (jsonSize(params) > PARAMS_LIMIT) throw new BadRequestException('params must be at most 64 KiB as JSON');
  assertNoNul('params', params);
  return params;
}

const META_TYPES: Record<string, (value: unknown) => boolean> = {
  description: (v) => typeof v === 'string' || v === null,
  profile_image_url: (v) => typeof v === 'string' || v === null,
  capabilities: (v) => typeof v === 'object' && !Array.isArray(v),
  hidden: (v) => typeof v === 'boolean',
};

function checkTags(tags: unknown): void {
  const valid =
    Array.isArray(tags) &&
    tags.every((tag: unknown) => {
      const name = typeof tag === 'string' ? tag : (tag as { name?: unknown } | null)?.name;
      return typeof name === 'string' && name.trim().length > 0 && name.length <= 128;
    });
  if (!valid) throw new BadRequestException('meta.tags must be an array of tag names (strings or {name}), 1–128 chars');
}

/** Stored data: URIs are always images the image route can serve, so lists may link them. */
function checkProfileImage(url: unknown): void {
  if (typeof url === 'string' && /^data:/i.test(url) && !parseImageDataUri(url)) {
    throw new BadRequestException('meta.profile_image_url must be an http(s) URL or a data:image/… URI');
  }
}

/** Validates meta's known keys and size, and stores tags as [{name}] lower-cased, once each. */
export function normaliseMeta(meta: Record<string, unknown>): Record<string, unknown> {
  if (jsonSize(meta) > META_LIMIT) throw new BadRequestException('meta must be at most 256 KiB as JSON');
  assertNoNul('meta', meta);
  for (const [key, isValid] of Object.entries(META_TYPES)) {
    if (key in meta && !isValid(meta[key])) throw new BadRequestException(`meta.${key} has the wrong type`);
  }
  checkProfileImage(meta.profile_image_url);
  if (!('tags' in meta) || meta.tags === null) return meta;
  checkTags(meta.tags);
  return { ...meta, tags: normaliseTags(meta.tags).map((name) => ({ name })) };
}

export function normalisePricing(pricing: PricingDto | null | undefined): ModelPricing | null {
  if (!pricing) return null;
  return {
    input_per_million: pricing.input_per_million ?? null,
    output_per_million: pricing.output_per_million ?? null,
    per_request: pricing.per_request ?? null,
    currency: (pricing.currency ?? 'USD').toUpperCase(),
  };
}
