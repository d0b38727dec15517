import { useState } from 'preact/hooks';
import { api, errorText, query } from '../api';
import { useSession } from '../session';
import type { Explanation, Model } from '../types';
import { UserPicker } from './user-picker';
import { ErrorText } from './form-parts';

type Reason = Explanation['because'][number];

const verb = (permission: Reason['permission']) => (permission === 'write' ? 'edit' : 'read');

/** One rule of `GET /api/models/model/access/explain` in plain words (docs/access.md#explaining-access). */
export function reasonText(reason: Reason): string {
  switch (reason.rule) {
    case 'admin':
      return 'is an administrator: administrators can read and edit every model';
    case 'owner':
      return 'owns it';
    case 'public':
      return `can ${verb(reason.permission)} it because it is public (everyone signed in can)`;
    case 'user_grant':
      return `can ${verb(reason.permission)} it: it was shared with them directly`;
    case 'group_grant':
      return `can ${verb(reason.permission)} it through group ${reason.group?.name ?? 'unknown'}`;
    case 'key_narrowing':
      return reason.permission === 'none'
        ? 'the API key is limited to other models, so it cannot use this one'
        : 'the API key is limited to some models, this one included, and only reads';
    case 'key_read_only':
      return 'the API key is read-only';
    default:
      return `${reason.rule} (${reason.permission})`;
  }
}

function verdict(result: Explanation): string {
  if (result.refused) return `cannot use it at all: ${result.refused}`;
  if (result.can_write) return 'can read and edit it';
  if (result.can_read) return 'can read it but not edit it';
  return 'has no access to it';
}

/**
 * "Who can see this and why", for the model as saved: the owner and admins pick anyone, any other
 * writer may ask about itself only (as the API allows). API keys are not offered: nobody but their
 * owner can list them.
 */
export function AccessExplain({ model }: { model: Model }) {
  const { me } = useSession();
  const [answer, setAnswer] = useState<{ name: string; result: Explanation }>();
  const [error, setError] = useState<string>();
  const anyone = me.role === 'admin' || me.id === model.user_id;
  const ask = async (user: { id: string; name: string }) => {
    setError(undefined);
    try {
      const result = await api<Explanation>(
        `/api/models/model/access/explain${query({ id: model.id, user_id: user.id })}`,
      );
      setAnswer({ name: user.id === me.id ? 'You' : user.name, result });
    } catch (caught) {
      setAnswer(undefined);
      setError(errorText(caught));
    }
  };
  return (
    <section aria-labelledby="explain-title" class="explain">
      <h3 id="explain-title">Who can see this and why</h3>
      <p class="hint">
        {anyone
          ? 'Check a person: whether they can read or edit this model as saved, and every rule that lets them.'
          : 'Whether you can read or edit this model as saved, and why.'}
      </p>
      {anyone ? (
        <UserPicker
          id="explain-person"
          label="Check a person"
          verb="Check"
          results="People to check"
          onPick={(user) => void ask(user)}
        />
      ) : (
        <button type="button" onClick={() => void ask(me)}>
          Why can I see this?
        </button>
      )}
      <ErrorText error={error} />
      <div role="status" aria-live="polite">
        {answer ? (
          <>
            <p>
              <strong>{answer.name}</strong> {verdict(answer.result)}.
            </p>
            {answer.result.because.length ? (
              <ul class="reasons" aria-label={`Why ${answer.name}`}>
                {answer.result.because.map((reason) => (
                  <li key={`${reason.rule}:${reason.group?.id ?? ''}`}>{reasonText(reason)}</li>
                ))}
              </ul>
            ) : (
              <p class="hint">
                Nothing grants access: not the owner, not shared with them or any of their groups, and not public.
              </p>
            )}
          </>
        ) : null}
      </div>
    </section>
  );
}
