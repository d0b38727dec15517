import { createHash } from 'node:crypto';
import { ModelPlan } from './custom-models';
import { FILTERS, Matches } from './matches';
import { People } from './people';
import { Random } from './random';
import { SEED_NOW } from './time';
import { Visibility } from './visibility';

export interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  group_id: string | null;
  models: string[];
  /** Always true for a key with an allow-list (a CHECK on api_keys holds it). */
  read_only: boolean;
  expires_at: number | null;
  last_used_at: number | null;
  created_at: number;
}

export interface FixtureInput {
  people: People;
  plan: ModelPlan;
  visibility: Visibility;
  matches: Matches;
  baseIds: string[];
  password: string;
  keyModels: number;
}

function describeUser(input: FixtureInput, user: number) {
  const row = input.people.users[user];
  const readable = input.visibility.readable(user);
  const owned = input.visibility.ownedBy(user).length;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    password: input.password,
    groups: input.people.groupsOf[user].length,
    readable_models: readable.length,
    owned_models: owned,
    shared_models: readable.length - owned,
    matches: input.matches.counts(readable),
  };
}

/** An allow-list of active models the user can read: about a tenth base models, the rest custom. */
function allowList(rng: Random, input: FixtureInput, user: number): string[] {
  const bases = input.baseIds.slice(0, Math.min(input.baseIds.length, Math.round(input.keyModels / 10)));
  const readable = input.visibility.readable(user).filter((model) => input.plan.isActive[model] === 1);
  const custom = rng.distinctInts(Math.min(input.keyModels - bases.length, readable.length), readable.length);
  return [...bases, ...custom.map((i) => input.plan.ids[readable[i]])].sort();
}

function makeApiKey(rng: Random, input: FixtureInput, user: number): { row: ApiKeyRow; secret: string } {
  const secret = `sk-${rng.hex(24)}`;
  const row: ApiKeyRow = {
    id: rng.uuid(),
    user_id: input.people.users[user].id,
    name: 'bench gateway key',
    key_hash: createHash('sha256').update(secret).digest('hex'),
    key_prefix: secret.slice(0, 7),
    group_id: null,
    models: allowList(rng, input, user),
    read_only: true,
    expires_at: null,
    last_used_at: null,
    created_at: SEED_NOW,
  };
  return { row, secret };
}

/** The accounts, key and filter values the load run uses, and the key to insert. */
export function makeFixtures(rng: Random, input: FixtureInput) {
  const ranked = input.visibility.usersByReadableCount();
  const typical = ranked[Math.floor(ranked.length / 2)];
  const keyUser = ranked[Math.min(ranked.length - 1, Math.floor(ranked.length / 2) + 1)];
  const apiKey = makeApiKey(rng, input, keyUser);
  const admin = input.people.users[0];
  const fixtures = {
    admin: { id: admin.id, email: admin.email, password: input.password },
    typical_user: describeUser(input, typical),
    api_key: {
      key: apiKey.secret,
      key_prefix: apiKey.row.key_prefix,
      user: { id: apiKey.row.user_id, email: input.people.users[keyUser].email, password: input.password },
      models: apiKey.row.models.length,
    },
    query: {
      common: { word: FILTERS.query_common.query, matches_admin: input.matches.count('query_common') },
      rare: { word: FILTERS.query_rare.query, matches_admin: input.matches.count('query_rare') },
      owner: { word: FILTERS.query_owner.query, matches_admin: input.matches.count('query_owner') },
    },
    tag: {
      common: { name: FILTERS.tag_common.tag, matches_admin: input.matches.count('tag_common') },
      rare: { name: FILTERS.tag_rare.tag, matches_admin: input.matches.count('tag_rare') },
    },
  };
  return { fixtures, apiKeyRow: apiKey.row };
}
