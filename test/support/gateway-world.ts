import { Actor, createApiKey, createGroup, createUser, signUp } from './actors';
import {
  createBaseModel,
  createCustomModel,
  type Grant,
  groupGrant,
  publicGrant,
  setModelTimes,
  userGrant,
} from './model-fixtures';
import { byId, compareBytes, type KeyScope, mayList as oracleMayList, newestFirst, type OraclePerson } from './oracle';
import type { TestApp } from './test-app';

export type { Grant, KeyScope };
/** Byte-wise, as PostgreSQL compares the ids (COLLATE "C"). */
export const compareIds = compareBytes;
export { newestFirst };
type ModelBody = Record<string, unknown> & { id: string };

/** A model the world created, with what the oracle needs to decide who may list it. */
export interface SeedModel {
  id: string;
  owner: { id: string };
  ownerId: string;
  baseModelId: string | null;
  name: string;
  grants: Grant[];
  active: boolean;
  createdAt: number;
  body: Record<string, unknown>;
}

/** One way of calling the gateway: a credential and the user and key scope behind it. */
export interface GatewayCaller {
  label: string;
  actor: Actor;
  credential: string;
  scope: KeyScope;
}

export interface GatewayWorld {
  t: TestApp;
  admin: Actor;
  alice: Actor;
  bob: Actor;
  carol: Actor;
  /** alice and bob */
  teamId: string;
  /** alice only */
  soloId: string;
  models: SeedModel[];
  callers: GatewayCaller[];
  /** Callers by label. */
  caller(label: string): GatewayCaller;
  memberships: Map<string, string[]>;
}

/** Created times spread over a day, with ties every third model so the id tiebreak is exercised. */
const DAY_START = 1_735_689_600; // 2025-01-01T00:00:00Z

interface Plan {
  owner: 'admin' | 'alice' | 'bob' | 'carol';
  body: Record<string, unknown> & { id: string };
  grants: (w: { teamId: string; soloId: string; alice: Actor }) => Grant[];
}

const PRICING = { input_per_million: 2.5, output_per_million: 10, per_request: null, currency: 'USD' };

const none = () => [];
const everyone = () => [publicGrant()];
const team = (w: { teamId: string }) => [groupGrant(w.teamId)];

function plans(): Plan[] {
  const filler: Plan[] = Array.from({ length: 10 }, (_, i) => ({
    owner: 'admin',
    body: { id: `filler/assistant-${String(i + 1).padStart(2, '0')}`, base_model_id: 'openai/gpt-4o' },
    grants: everyone,
  }));
  return [
    {
      owner: 'admin',
      body: {
        id: 'openai/gpt-4o',
        owned_by: 'openai',
        pricing: PRICING,
        context_length: 128000,
        max_output_tokens: 16384,
        meta: { description: 'Flagship chat model' },
      },
      grants: everyone,
    },
    {
      owner: 'admin',
      body: { id: 'text-embedding-3-small', owned_by: 'openai', supported_endpoint_types: ['embedding'] },
      grants: everyone,
    },
    {
      owner: 'admin',
      body: { id: 'claude-3-5-sonnet', owned_by: 'anthropic', supported_endpoint_types: ['chat', 'completion'] },
      grants: everyone,
    },
    { owner: 'admin', body: { id: 'gemini-2.0-flash', owned_by: 'google' }, grants: team },
    { owner: 'admin', body: { id: 'secret-base', owned_by: 'internal' }, grants: none },
    { owner: 'admin', body: { id: 'retired-base', owned_by: 'openai', is_active: false }, grants: everyone },
    {
      owner: 'admin',
      body: { id: 'vendor/imagen:3.0', owned_by: 'google', supported_endpoint_types: ['image', 'rerank'] },
      grants: everyone,
    },
    {
      owner: 'admin',
      body: { id: 'shared/embedder', base_model_id: 'text-embedding-3-small', owned_by: 'registry-team' },
      grants: everyone,
    },
    {
      owner: 'alice',
      body: { id: 'alice/coder', base_model_id: 'openai/gpt-4o', meta: { description: 'Writes code' } },
      grants: none,
    },
    { owner: 'alice', body: { id: 'alice/team-helper', base_model_id: 'claude-3-5-sonnet' }, grants: team },
    { owner: 'alice', body: { id: 'alice/old', base_model_id: 'openai/gpt-4o', is_active: false }, grants: none },
    { owner: 'bob', body: { id: 'bob/private', base_model_id: 'openai/gpt-4o' }, grants: none },
    {
      owner: 'bob',
      body: { id: 'bob/for-alice', base_model_id: 'openai/gpt-4o' },
      grants: (w) => [userGrant(w.alice.id)],
    },
    {
      owner: 'bob',
      body: { id: 'bob/for-team', base_model_id: 'claude-3-5-sonnet' },
      grants: (w) => [groupGrant(w.teamId, 'write')],
    },
    {
      owner: 'bob',
      body: { id: 'bob/for-team-retired', base_model_id: 'claude-3-5-sonnet', is_active: false },
      grants: team,
    },
    {
      owner: 'carol',
      body: { id: 'carol/for-solo', base_model_id: 'openai/gpt-4o' },
      grants: (w) => [groupGrant(w.soloId)],
    },
    { owner: 'carol', body: { id: 'carol/private', base_model_id: 'openai/gpt-4o' }, grants: none },
    ...filler,
  ];
}

async function seedModels(t: TestApp, actors: Record<Plan['owner'], Actor>, ids: { teamId: string; soloId: string }) {
  const models: SeedModel[] = [];
  for (const [index, plan] of plans().entries()) {
    const owner = actors[plan.owner];
    const grants = plan.grants({ ...ids, alice: actors.alice });
    const body: ModelBody = { name: `Model ${plan.body.id}`, ...plan.body, access_grants: grants };
    await (body.base_model_id === undefined ? createBaseModel : createCustomModel)(t, owner, body);
    const createdAt = DAY_START + Math.floor(index / 3) * 3600;
    models.push({
      id: plan.body.id,
      owner: { id: owner.id },
      ownerId: owner.id,
      baseModelId: (plan.body.base_model_id as string | undefined) ?? null,
      name: `Model ${plan.body.id}`,
      grants,
      active: plan.body.is_active !== false,
      createdAt,
      body,
    });
  }
  await setModelTimes(t, models);
  return models;
}

export async function buildGatewayWorld(t: TestApp): Promise<GatewayWorld> {
  const admin = await signUp(t, 'Gateway Admin');
  const alice = await createUser(t, admin, { name: 'Alice' });
  const bob = await createUser(t, admin, { name: 'Bob' });
  const carol = await createUser(t, admin, { name: 'Carol' });
  const teamId = await createGroup(t, admin, 'team', [alice.id, bob.id]);
  const soloId = await createGroup(t, admin, 'solo', [alice.id]);
  const models = await seedModels(t, { admin, alice, bob, carol }, { teamId, soloId });
  const allowList = ['openai/gpt-4o', 'alice/coder', 'alice/old', 'bob/private', 'bob/for-team', 'missing/model'];
  const key = async (label: string, actor: Actor, scope: KeyScope): Promise<GatewayCaller> => {
    const { key: credential } = await createApiKey(t, actor, { group_id: scope.groupId, models: scope.models });
    return { label, actor, credential, scope };
  };
  const callers = [
    await key('alice key', alice, {}),
    await key('alice key for team', alice, { groupId: teamId }),
    await key('alice key for solo', alice, { groupId: soloId }),
    await key('alice key with allow-list', alice, { models: allowList }),
    await key('alice key for team with allow-list', alice, { groupId: teamId, models: allowList }),
    { label: 'alice sign-in token', actor: alice, credential: alice.token, scope: {} },
    await key('bob key', bob, {}),
    await key('carol key', carol, {}),
    await key('admin key', admin, {}),
  ];
  const memberships = new Map([
    [alice.id, [teamId, soloId]],
    [bob.id, [teamId]],
  ]);
  const caller = (label: string) => {
    const found = callers.find((c) => c.label === label);
    if (!found) throw new Error(`no caller ${label}`);
    return found;
  };
  return { t, admin, alice, bob, carol, teamId, soloId, models, callers, caller, memberships };
}

/** The caller as the oracle knows them (test/support/oracle.ts decides). */
function personOf(w: GatewayWorld, caller: GatewayCaller): OraclePerson {
  return { id: caller.actor.id, role: caller.actor.role, groups: w.memberships.get(caller.actor.id) ?? [] };
}

export function mayList(w: GatewayWorld, caller: GatewayCaller, model: SeedModel): boolean {
  return oracleMayList(personOf(w, caller), caller.scope, model);
}

/** Listable models, sorted by id (the OpenAI and Gemini order). */
export function expectedModels(w: GatewayWorld, caller: GatewayCaller): SeedModel[] {
  return byId(w.models.filter((m) => mayList(w, caller, m)));
}

export function seed(w: GatewayWorld, id: string): SeedModel {
  const model = w.models.find((m) => m.id === id);
  if (!model) throw new Error(`no model ${id}`);
  return model;
}
