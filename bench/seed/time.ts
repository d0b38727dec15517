import { Random } from './random';

/** Fixed "now" of the data set (2025-11-22 UTC), so a seed always yields the same timestamps. */
export const SEED_NOW = 1763769600;
export const TWO_YEARS = 2 * 365 * 86400;
export const SEED_START = SEED_NOW - TWO_YEARS;

/** Unix seconds, uniform over [from, SEED_NOW]. */
export function randomTime(rng: Random, from = SEED_START): number {
  return rng.int(from, SEED_NOW);
}

/** An update time: often the creation time itself, otherwise some time after it. */
export function updateTime(rng: Random, createdAt: number): number {
  return rng.chance(0.4) ? createdAt : randomTime(rng, createdAt);
}
