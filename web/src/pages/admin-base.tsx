import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { Field, InputField, ErrorText } from '../parts/form-parts';
import type { Model } from '../types';
import { useLatest } from '../use-latest';

const isPublic = (model: Model) => model.access_grants.some((grant) => grant.principal_id === '*');

/** Base models: register one (owner, limits, pricing), and share it with everyone so users can build on it. */
export function BaseModelsTab() {
  const bases = useLatest('admin-bases', (signal) => api<Model[]>('/api/v1/models/base', { signal }));
  const [form, setForm] = useState({ id: '', name: '', owned_by: '', context_length: '', input: '', output: '' });
  const [error, setError] = useState<string>();
  const set = (change: Partial<typeof form>) => setForm((f) => ({ ...f, ...change }));
  const number = (value: string) => (value.trim() === '' ? null : Number(value));
  const create = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const input = number(form.input);
    const output = number(form.output);
    try {
      await api('/api/models/create', {
        method: 'POST',
        body: {
          id: form.id,
          name: form.name,
          owned_by: form.owned_by,
          context_length: number(form.context_length),
          pricing: input === null && output === null ? null : { input_per_million: input, output_per_million: output },
        },
      });
      setForm({ id: '', name: '', owned_by: '', context_length: '', input: '', output: '' });
      bases.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  const share = (model: Model) =>
    api('/api/models/model/access/update', {
      method: 'POST',
      body: {
        id: model.id,
        access_grants: isPublic(model) ? [] : [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
      },
    }).then(bases.reload, (caught: unknown) => setError(errorText(caught)));
  return (
    <>
      <form class="card editor" onSubmit={(e) => void create(e)} aria-label="Register a base model">
        <div class="row">
          <Field id="base-id" label="Base model id">
            <input
              id="base-id"
              class="mono"
              value={form.id}
              required
              onInput={(e) => set({ id: e.currentTarget.value })}
            />
          </Field>
          <InputField
            id="base-name"
            label="Display name"
            required
            value={form.name}
            onValue={(name) => set({ name })}
          />
          <InputField
            id="base-owned-by"
            label="Provider (owned_by)"
            required
            value={form.owned_by}
            onValue={(owned_by) => set({ owned_by })}
          />
        </div>
        <div class="row">
          <InputField
            id="base-context"
            label="Context length"
            inputMode="numeric"
            value={form.context_length}
            onValue={(context_length) => set({ context_length })}
          />
          <InputField
            id="base-input"
            label="Input price per million (USD)"
            inputMode="decimal"
            value={form.input}
            onValue={(input) => set({ input })}
          />
          <InputField
            id="base-output"
            label="Output price per million (USD)"
            inputMode="decimal"
            value={form.output}
            onValue={(output) => set({ output })}
          />
        </div>
        <ErrorText error={error} />
        <div class="actions">
          <button type="submit" class="primary">
            Register base model
          </button>
        </div>
      </form>
      <div class="table-wrap">
        <table aria-label="Base models">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Provider</th>
              <th scope="col">Pricing</th>
              <th scope="col">Who can build on it</th>
            </tr>
          </thead>
          <tbody>
            {(bases.data ?? []).map((model) => (
              <tr key={model.id}>
                <td>
                  <code>{model.id}</code>
                </td>
                <td>{model.name}</td>
                <td>{model.owned_by}</td>
                <td>
                  {model.pricing
                    ? `${model.pricing.input_per_million ?? '–'} / ${model.pricing.output_per_million ?? '–'} ${model.pricing.currency ?? 'USD'}`
                    : '—'}
                </td>
                <td>
                  {isPublic(model) ? 'everyone ' : 'admins only '}
                  <button type="button" class="small" onClick={() => void share(model)}>
                    {isPublic(model) ? `Make ${model.id} private` : `Share ${model.id} with everyone`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
