import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { AccessExplain } from './access-explain';
import { useSession } from '../session';
import type { Grant, Model } from '../types';
import { ChosenPrincipals, grantsOf, withPrincipal, type ChosenPrincipal } from './chosen-principals';
import { Dialog } from './dialog';
import { groupDetail, PrincipalPicker, useShareGroups, type GroupItem, type PickedPrincipal } from './principal-picker';

/** One entry per principal, the strongest permission (answers list a write grant as read + write). */
function collapse(grants: Grant[]): Map<string, Grant> {
  const byPrincipal = new Map<string, Grant>();
  for (const grant of grants) {
    const key = `${grant.principal_type}:${grant.principal_id}`;
    if (byPrincipal.get(key)?.permission !== 'write') byPrincipal.set(key, grant);
  }
  return byPrincipal;
}

async function named(grants: Grant[], groups: GroupItem[]): Promise<{ people: ChosenPrincipal[]; isPublic: boolean }> {
  const list = [...collapse(grants).values()];
  const people = await Promise.all(
    list
      .filter((grant) => grant.principal_id !== '*' && grant.principal_type !== 'anyone')
      .map(async (grant): Promise<ChosenPrincipal> => {
        if (grant.principal_type === 'group') {
          const group = groups.find((item) => item.id === grant.principal_id);
          const detail = group ? groupDetail(group) : 'group';
          return {
            type: 'group',
            id: grant.principal_id,
            name: group?.name ?? 'unknown group',
            detail,
            permission: grant.permission,
          };
        }
        const user = await api<{ name: string; email: string }>(`/api/users/${grant.principal_id}/info`).catch(
          () => null,
        );
        return {
          type: 'user',
          id: grant.principal_id,
          name: user?.name ?? 'unknown user',
          detail: user?.email ?? '',
          permission: grant.permission,
        };
      }),
  );
  return { people, isPublic: list.some((grant) => grant.principal_id === '*' || grant.principal_type === 'anyone') };
}

/** Who has access to a model, by name; add people (searched) and groups, read or write; public for admins. */
export function ShareDialog({ model, onClose, onSaved }: { model: Model; onClose: () => void; onSaved: () => void }) {
  const { me } = useSession();
  const [people, setPeople] = useState<ChosenPrincipal[]>();
  const [isPublic, setPublic] = useState(false);
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState<number>();
  const [stale, setStale] = useState(false);
  const [round, setRound] = useState(0);
  const groups = useShareGroups();
  useEffect(() => {
    if (!groups.data) return;
    api<Model>(`/api/models/model?id=${encodeURIComponent(model.id)}`)
      .then((fresh) => {
        // Saving sends this version back: a change made meanwhile by someone else is a 409, not overwritten.
        setVersion(fresh.version);
        return named(fresh.access_grants, groups.data!);
      })
      .then(
        (result) => {
          setPeople(result.people);
          setPublic(result.isPublic);
        },
        (caught: unknown) => setError(errorText(caught)),
      );
  }, [groups.data, round]);

  const add = (principal: PickedPrincipal) => setPeople((now) => now && withPrincipal(now, principal));
  const save = async () => {
    const grants = grantsOf(people ?? []);
    if (isPublic) grants.push({ principal_type: 'user', principal_id: '*', permission: 'read' });
    try {
      await api('/api/models/model/access/update', {
        method: 'POST',
        body: { id: model.id, access_grants: grants, version },
      });
      onSaved();
    } catch (caught) {
      setError(errorText(caught));
      setStale(caught instanceof ApiError && caught.status === 409);
    }
  };

  return (
    <Dialog title={`Share ${model.name}`} onClose={onClose}>
      <h3>Who has access</h3>
      <p class="hint">Owner: {model.user?.name ?? 'nobody'}. Administrators can read and change every model.</p>
      {people === undefined && !error ? <p role="status">Loading…</p> : null}
      <ChosenPrincipals
        label="Who has access"
        principals={people ?? []}
        hasPermission={() => true}
        onChange={setPeople}
      />
      {people?.length === 0 && !isPublic ? <p class="hint">Only the owner (and administrators) can see it.</p> : null}
      {me.role === 'admin' ? (
        <label class="check">
          <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.currentTarget.checked)} />
          Everyone signed in can read it (public)
        </label>
      ) : isPublic ? (
        <p class="hint">Everyone signed in can read it (public; only an administrator can change that).</p>
      ) : null}
      <PrincipalPicker
        idPrefix="share"
        groups={groups.data ?? []}
        chosen={people ?? []}
        disabled={people === undefined}
        onAdd={add}
      />
      {error ? (
        <p class="error" role="alert">
          {stale ? 'Not saved: someone else changed this model meanwhile. ' : ''}
          {error}
        </p>
      ) : null}
      {stale ? (
        <button
          type="button"
          onClick={() => {
            setStale(false);
            setError(undefined);
            setPeople(undefined);
            setRound((n) => n + 1);
          }}
        >
          Reload who has access (discards the changes made here)
        </button>
      ) : null}
      <div class="actions">
        <button type="button" class="primary" onClick={() => void save()} disabled={people === undefined}>
          Save access
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      <AccessExplain model={model} />
    </Dialog>
  );
}
