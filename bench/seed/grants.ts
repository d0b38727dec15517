import { ModelPlan } from './custom-models';
import { Random } from './random';

/** Grants of custom models to one kind of principal, by index (no duplicate pairs). */
export interface GrantSet {
  model: Int32Array;
  principal: Int32Array;
  write: Uint8Array;
}

/**
 * Draws `count` distinct (model, principal) pairs, skipping those `skip` rejects; each grant
 * is `write` with probability `writeShare`. Asks for at most half of all pairs so it ends quickly.
 */
function drawGrants(
  rng: Random,
  models: number,
  principals: { first: number; count: number },
  wanted: number,
  writeShare: number,
  skip: (model: number, principal: number) => boolean,
): GrantSet {
  const count = Math.min(wanted, Math.floor((models * principals.count) / 2));
  const seen = new Set<number>();
  const grants: GrantSet = {
    model: new Int32Array(count),
    principal: new Int32Array(count),
    write: new Uint8Array(count),
  };
  while (seen.size < count) {
    const model = Math.floor(rng.next() * models);
    const principal = principals.first + Math.floor(rng.next() * principals.count);
    const key = model * (principals.first + principals.count) + principal;
    if (seen.has(key) || skip(model, principal)) continue;
    const n = seen.size;
    seen.add(key);
    grants.model[n] = model;
    grants.principal[n] = principal;
    grants.write[n] = rng.chance(writeShare) ? 1 : 0;
  }
  return grants;
}

export function makeGroupGrants(rng: Random, plan: ModelPlan, groupCount: number, wanted: number): GrantSet {
  return drawGrants(rng, plan.count, { first: 0, count: groupCount }, wanted, 0.15, () => false);
}

/** Direct shares to regular users (index ≥ 1), never to the model's own owner. */
export function makeUserGrants(rng: Random, plan: ModelPlan, userCount: number, wanted: number): GrantSet {
  const owner = plan.owner;
  return drawGrants(rng, plan.count, { first: 1, count: userCount - 1 }, wanted, 0.3, (m, u) => owner[m] === u);
}
