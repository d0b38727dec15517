import { Actor, createGroup, createUser, signUp } from './actors';
import { createBaseModel } from './model-fixtures';
import { startTestApp, TestApp } from './test-app';

/**
 * The world of the kept-JSON tests (workspace list and `/v1/models`): the service with its answer
 * cache off, so every request builds its answer; an admin; Bob in the group "Team"; base model
 * `base/a` with pricing and a context length, `base/b` for chat and embeddings.
 */
export async function startKeptJsonWorld(): Promise<{ t: TestApp; admin: Actor; bob: Actor; team: string }> {
  const t = await startTestApp({ answerCacheMb: 0 });
  const admin = await signUp(t, 'Admin');
  const bob = await createUser(t, admin, { name: 'Bob' });
  const team = await createGroup(t, admin, 'Team', [bob.id]);
  const pricing = { input_per_million: 0.15, output_per_million: 2.5, per_request: null, currency: 'EUR' };
  await createBaseModel(t, admin, { id: 'base/a', pricing, context_length: 128000 });
  await createBaseModel(t, admin, { id: 'base/b', supported_endpoint_types: ['chat', 'embedding'] });
  return { t, admin, bob, team };
}
