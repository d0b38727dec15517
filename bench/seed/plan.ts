import bcrypt from 'bcryptjs';
import { makeBaseModels } from './base-models';
import { CustomModelContext, ModelPlan, ModelRow, makeCustomModel, planCustomModels } from './custom-models';
import { GrantSet, makeGroupGrants, makeUserGrants } from './grants';
import { profileImages } from './images';
import { Matches } from './matches';
import { SeedOptions } from './options';
import { People, makePeople } from './people';
import { Random } from './random';
import { GrantRow, grantRows, publicGrantRows } from './tables';

/** Every seeded account shares this password (one bcrypt hash, cost 4, computed once). */
export const BENCH_PASSWORD = 'bench-password';

/** Everything decided before the database is touched; model rows themselves are generated while loading. */
export interface Plan {
  rng: Random;
  people: People;
  baseRows: ModelRow[];
  models: ModelPlan;
  groupGrants: GrantSet;
  userGrants: GrantSet;
  matches: Matches;
  context: CustomModelContext;
}

export function makePlan(options: SeedOptions): Plan {
  const rng = new Random(options.seed);
  const passwordHash = bcrypt.hashSync(BENCH_PASSWORD, 4);
  const people = makePeople(rng, options.users, options.groups, passwordHash);
  const baseRows = makeBaseModels(rng, options.baseModels, people.users[0].id);
  const models = planCustomModels(rng, options.models, options.users, options.publicFraction);
  const groupGrants = makeGroupGrants(rng, models, options.groups, options.groupGrants);
  const userGrants = makeUserGrants(rng, models, options.users, options.userGrants);
  const context: CustomModelContext = {
    plan: models,
    userIds: people.users.map((user) => user.id),
    baseIds: baseRows.map((row) => row.id),
    images: profileImages(rng),
    imageFraction: options.imageFraction,
  };
  const matches = new Matches(options.models, people.users);
  return { rng, people, baseRows, models, groupGrants, userGrants, matches, context };
}

export function* modelRows(plan: Plan): Generator<ModelRow> {
  yield* plan.baseRows;
  for (let i = 0; i < plan.models.count; i++) {
    const row = makeCustomModel(plan.rng, plan.context, i);
    plan.matches.record(i, row, plan.models.owner[i]);
    yield row;
  }
}

export function* allGrantRows(plan: Plan): Generator<GrantRow> {
  const ids = plan.models.ids;
  yield* publicGrantRows(plan.baseRows.map((row) => row.id));
  yield* publicGrantRows(ids.filter((_, i) => plan.models.isPublic[i] === 1));
  yield* grantRows(
    plan.groupGrants,
    ids,
    'group',
    plan.people.groups.map((group) => group.id),
  );
  yield* grantRows(plan.userGrants, ids, 'user', plan.context.userIds);
}
