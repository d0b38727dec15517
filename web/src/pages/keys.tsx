import { useState } from 'preact/hooks';
import { api, errorText, query } from '../api';
import { Dialog } from '../parts/dialog';
import { Field, ErrorText } from '../parts/form-parts';
import type { ModelPage } from '../types';
import { useLatest } from '../use-latest';

interface ApiKey {
  id: string;
  name: string;
  key_prefix: string;
  group_id: string | null;
  models: string[] | null;
  expires_at: number | null;
  read_only: boolean;
  last_used_at: number | null;
  created_at: number;
}

interface Group {
  id: string;
  name: string;
}

const when = (seconds: number | null, never: string) => (seconds ? new Date(seconds * 1000).toLocaleString() : never);

/** The secret, shown this once, with a button to copy it. */
function NewSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="card secret" role="region" aria-label="New API key">
      <p>
        <strong>Copy the key now:</strong> it is shown only this once. The registry keeps only a hash of it.
      </p>
      <div class="actions">
        <input
          class="mono"
          readOnly
          value={secret}
          aria-label="The new API key"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          class="primary"
          onClick={() =>
            void navigator.clipboard.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          Copy
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      <p role="status">{copied ? 'Copied to the clipboard.' : ''}</p>
    </div>
  );
}

/** The allow-list: models picked by searching the ones the user can read. */
function ModelPicker({ picked, onChange }: { picked: string[]; onChange: (ids: string[]) => void }) {
  const [text, setText] = useState('');
  const found = useLatest(`pick:${text}`, async (signal) => {
    if (!text.trim()) return { items: [], total: 0 };
    await new Promise((resolve) => setTimeout(resolve, 250));
    return api<ModelPage>(`/api/models/list${query({ query: text })}`, { signal });
  });
  return (
    <div class="field">
      <label for="key-models">Allowed models (leave empty for all)</label>
      <input
        id="key-models"
        type="search"
        value={text}
        placeholder="Search models to allow"
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <ul class="found" aria-label="Models found">
        {(found.data?.items ?? [])
          .filter((model) => !picked.includes(model.id))
          .slice(0, 8)
          .map((model) => (
            <li key={model.id}>
              <button type="button" onClick={() => onChange([...picked, model.id])}>
                Allow {model.name} <span class="hint">{model.id}</span>
              </button>
            </li>
          ))}
      </ul>
      {picked.length > 0 ? (
        <ul class="tags" aria-label="Allowed models">
          {picked.map((id) => (
            <li key={id}>
              <button
                type="button"
                class="tag"
                aria-label={`Remove ${id} from the allowed models`}
                onClick={() => onChange(picked.filter((m) => m !== id))}
              >
                {id} ✕
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function CreateKey({ groups, onCreated }: { groups: Group[]; onCreated: (secret: string) => void }) {
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
  const [models, setModels] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const [error, setError] = useState<string>();
  const narrowed = group !== '' || models.length > 0;
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body: Record<string, unknown> = { name };
    if (group) body.group_id = group;
    if (models.length > 0) body.models = models;
    if (expires) body.expires_at = Math.floor(new Date(`${expires}T23:59:59`).getTime() / 1000);
    if (!narrowed) body.read_only = readOnly;
    try {
      const created = await api<{ key: string }>('/api/keys', { method: 'POST', body });
      setName('');
      setGroup('');
      setModels([]);
      setExpires('');
      setReadOnly(false);
      onCreated(created.key);
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return (
    <form class="card editor" onSubmit={(e) => void submit(e)} aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <Field id="key-name" label="Name">
        <input id="key-name" value={name} required maxLength={256} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <div class="row">
        <Field id="key-group" label="Token group" hint="Only models shared with this group or with everyone">
          <select id="key-group" value={group} onChange={(e) => setGroup(e.currentTarget.value)}>
            <option value="">None: every model I can read</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="key-expires" label="Expires on" hint="Empty: never">
          <input id="key-expires" type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </Field>
      </div>
      <ModelPicker picked={models} onChange={setModels} />
      <label class="check">
        <input
          type="checkbox"
          checked={narrowed || readOnly}
          disabled={narrowed}
          onChange={(e) => setReadOnly(e.currentTarget.checked)}
        />
        Read-only{' '}
        {narrowed ? '(always, for a key with a token group or allowed models)' : '(it can list and read, never change)'}
      </label>
      <ErrorText error={error} />
      <div class="actions">
        <button type="submit" class="primary">
          Create key
        </button>
      </div>
    </form>
  );
}

/** API keys: create (secret shown once), list with prefix and last use, revoke. */
export function KeysPage() {
  const keys = useLatest('keys', (signal) => api<ApiKey[]>('/api/keys', { signal }));
  const groups = useLatest('my-groups', (signal) => api<Group[]>('/api/groups', { signal }));
  const [secret, setSecret] = useState<string>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const [error, setError] = useState<string>();
  const groupName = (id: string | null) => (id ? (groups.data?.find((g) => g.id === id)?.name ?? 'a group') : '—');
  const revoke = async (key: ApiKey) => {
    try {
      await api(`/api/keys/${key.id}`, { method: 'DELETE' });
      setRevoking(undefined);
      keys.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return (
    <section aria-labelledby="keys-title">
      <div class="page-head">
        <h1 id="keys-title">API keys</h1>
      </div>
      <p class="hint">
        Keys let scripts and LLM clients list models as you, at /v1/models or /api. Treat them like passwords.
      </p>
      {secret ? <NewSecret secret={secret} onDone={() => setSecret(undefined)} /> : null}
      <CreateKey
        groups={groups.data ?? []}
        onCreated={(key) => {
          setSecret(key);
          keys.reload();
        }}
      />
      <h2>Your keys</h2>
      {keys.error || error ? (
        <p class="error" role="alert">
          {keys.error ?? error}
        </p>
      ) : null}
      {keys.data?.length === 0 ? <p class="empty">You have no API keys yet.</p> : null}
      <div class="table-wrap">
        <table class="keys" aria-label="Your API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Token group</th>
              <th scope="col">Models</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((key) => (
              <tr key={key.id}>
                <td>
                  {key.name}
                  {key.read_only ? <span class="badge">read only</span> : null}
                </td>
                <td>
                  <code>{key.key_prefix}</code>
                </td>
                <td>{groupName(key.group_id)}</td>
                <td>{key.models ? key.models.join(', ') || 'none' : 'all'}</td>
                <td>{when(key.expires_at, 'never')}</td>
                <td>{when(key.last_used_at, 'never')}</td>
                <td>
                  <button
                    type="button"
                    class="small danger"
                    aria-label={`Revoke ${key.name}`}
                    onClick={() => setRevoking(key)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revoking ? (
        <Dialog title={`Revoke ${revoking.name}?`} onClose={() => setRevoking(undefined)}>
          <p>Clients using this key get 401 from now on. This cannot be undone.</p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void revoke(revoking)}>
              Revoke the key
            </button>
            <button type="button" onClick={() => setRevoking(undefined)}>
              Keep it
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
