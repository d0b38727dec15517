import bcrypt from 'bcryptjs';
import { ModelAccess } from './access';
import { makeBaseModels } from './base-models';
import { CustomModelContext, ModelPlan, ModelRow, makeCustomModel, planCustomModels } from './custom-models';
import { GrantSet, makeGroupGrants, makeUserGrants } from './grants';
import { profileImages } from './images';
import { Matches } from './matches';
import { SeedOptions } from './options';
import { People, makePeople } from './people';
import { Random } from './random';
import { GrantRow, StoredModelRow, grantRows, publicCustomGrantRows, publicGrantRows } from './tables';

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
  access: ModelAccess;
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
  const access = new ModelAccess(people, models.isPublic, groupGrants, userGrants);
  return { rng, people, baseRows, models, groupGrants, userGrants, matches, context, access };
}

/** Base models are public (one `*` grant, read only). */
export function* modelRows(plan: Plan): Generator<StoredModelRow> {
  for (const row of plan.baseRows) yield { ...row, readers: ['*'], writers: [] };
  for (let i = 0; i < plan.models.count; i++) {
    const row: ModelRow = makeCustomModel(plan.rng, plan.context, i);
    plan.matches.record(i, row, plan.models.owner[i]);
    yield { ...row, ...plan.access.model(i) };
  }
}

export function* allGrantRows(plan: Plan): Generator<GrantRow> {
  const ids = plan.models.ids;
  yield* publicGrantRows(plan.baseRows.map((row) => row.id));
  const publicModels: number[] = [];
  plan.models.isPublic.forEach((flag, i) => flag === 1 && publicModels.push(i));
  yield* publicCustomGrantRows(plan.access, ids, publicModels);
  yield* grantRows(
    plan.access,
    plan.groupGrants,
    ids,
    'group',
    plan.people.groups.map((group) => group.id),
  );
  yield* grantRows(plan.access, plan.userGrants, ids, 'user', plan.context.userIds);
}
