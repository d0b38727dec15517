import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { described, Field, InputField, Message, useIdClash, type Errors } from '../parts/form-parts';
import { Link } from '../link';
import { ImagePicker } from '../parts/image-picker';
import { navigate } from '../route';
import type { Model } from '../types';
import { useLatest } from '../use-latest';
import {
  bodyOf,
  CAPABILITIES,
  emptyForm,
  ENDPOINT_TYPES,
  fieldOfDetail,
  FormError,
  formOf,
  suggestId,
  type ModelForm,
} from './model-form';

interface BaseItem {
  id: string;
  name: string;
  info: Model;
}

/** Create (`?p=new`) or edit (`?p=edit&id=`) a custom model. */
export function EditorPage({ id }: { id?: string }) {
  const creating = id === undefined;
  const bases = useLatest('bases', (signal) => api<{ data: BaseItem[] }>('/api/models/base', { signal }));
  const existing = useLatest(`model:${id ?? ''}`, (signal) =>
    creating ? Promise.resolve(undefined) : api<Model>(`/api/models/model?id=${encodeURIComponent(id)}`, { signal }),
  );
  const [form, setForm] = useState<ModelForm>(emptyForm);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const idEdited = useRef(false);
  const model = existing.data;
  const base = bases.data?.data.find((item) => item.id === form.base_model_id)?.info;

  useEffect(() => {
    if (model && bases.data)
      setForm(formOf(model, bases.data.data.find((item) => item.id === model.base_model_id)?.info));
  }, [model, bases.data]);
  useEffect(() => {
    if (creating && !form.base_model_id && bases.data?.data[0])
      setForm((f) => ({ ...f, base_model_id: bases.data!.data[0].id }));
  }, [bases.data]);
  const clash = useIdClash(form.id, creating);

  if (!creating && existing.error)
    return (
      <Message title="Model not available">
        <p>{existing.error}. It does not exist, or you cannot see it.</p>
      </Message>
    );
  if (!creating && !model) return <p role="status">Loading the model…</p>;
  if (model && !model.write_access)
    return (
      <Message title={`You cannot edit ${model.name}`}>
        <p>
          You can read this model but not change it: ask its owner ({model.user?.name ?? 'nobody'}) for write access.
        </p>
        <p>
          Its id is <code>{model.id}</code>, built on <code>{model.base_model_id}</code>.
        </p>
      </Message>
    );

  const set = (change: Partial<ModelForm>) => {
    setForm((f) => ({ ...f, ...change }));
    // An error goes away once its field is edited.
    if (Object.keys(errors).length > 0) setErrors({});
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    let body: Record<string, unknown>;
    try {
      body = bodyOf(form, model?.meta ?? {});
    } catch (error) {
      if (error instanceof FormError) return setErrors({ [error.field]: error.message });
      throw error;
    }
    setBusy(true);
    try {
      await api(creating ? '/api/models/create' : '/api/models/model/update', { method: 'POST', body });
      navigate({});
    } catch (error) {
      const detail = errorText(error);
      const field = error instanceof ApiError && error.status === 409 ? 'id' : fieldOfDetail(detail);
      setErrors({ [field && document.getElementById(`model-${field}`) ? field : 'form']: detail });
    } finally {
      setBusy(false);
    }
  };
  const inherited = (value: string | number | null | undefined) =>
    base ? `inherited from ${base.id}: ${value ?? 'none'}` : '';

  return (
    <section aria-labelledby="editor-title">
      <div class="page-head">
        <h1 id="editor-title">{creating ? 'New model' : `Edit ${model!.name}`}</h1>
        <Link to={{}}>Back to models</Link>
      </div>
      <form class="card editor" onSubmit={(event) => void submit(event)} noValidate>
        <Field id="model-base_model_id" label="Base model" error={errors.base_model_id}>
          <select
            id="model-base_model_id"
            value={form.base_model_id}
            required
            onChange={(e) => set({ base_model_id: e.currentTarget.value })}
            {...described('model-base_model_id', errors.base_model_id)}
          >
            {(bases.data?.data ?? []).map((item) => (
              <option key={item.id} value={item.id}>
                {item.name} ({item.id})
              </option>
            ))}
          </select>
        </Field>
        <Field id="model-name" label="Name" error={errors.name}>
          <input
            id="model-name"
            value={form.name}
            required
            maxLength={256}
            {...described('model-name', errors.name)}
            onInput={(e) => {
              const name = e.currentTarget.value;
              set(creating && !idEdited.current ? { name, id: suggestId(name) } : { name });
            }}
          />
        </Field>
        <Field
          id="model-id"
          label="Model id"
          error={errors.id ?? clash}
          hint={creating ? 'What API clients ask for; letters, digits and / : . - _' : 'The id cannot change.'}
        >
          <input
            id="model-id"
            value={form.id}
            required
            maxLength={256}
            readOnly={!creating}
            class="mono"
            {...described('model-id', errors.id ?? clash)}
            onInput={(e) => {
              idEdited.current = true;
              set({ id: e.currentTarget.value });
            }}
          />
        </Field>
        <ImagePicker value={form.image} name={form.name} onChange={(image) => set({ image })} />
        <Field id="model-description" label="Description" error={errors.description}>
          <textarea
            id="model-description"
            rows={2}
            value={form.description}
            onInput={(e) => set({ description: e.currentTarget.value })}
          />
        </Field>
        <Field id="model-tags" label="Tags" error={errors.tags} hint="Separated by commas">
          <input id="model-tags" value={form.tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
        </Field>
        <Field id="model-system" label="System prompt" error={errors.system}>
          <textarea
            id="model-system"
            rows={5}
            value={form.system}
            onInput={(e) => set({ system: e.currentTarget.value })}
          />
        </Field>
        <Field
          id="model-params"
          label="Other parameters (JSON)"
          error={errors.params}
          hint='For example {"temperature": 0.2}'
        >
          <textarea
            id="model-params"
            rows={3}
            class="mono"
            value={form.params}
            {...described('model-params', errors.params)}
            onInput={(e) => set({ params: e.currentTarget.value })}
          />
        </Field>
        <fieldset>
          <legend>Capabilities</legend>
          {CAPABILITIES.map((name) => (
            <label key={name} class="check">
              <input
                type="checkbox"
                checked={form.capabilities[name] === true}
                onChange={(e) => set({ capabilities: { ...form.capabilities, [name]: e.currentTarget.checked } })}
              />
              {name.replace('_', ' ')}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Endpoint types</legend>
          <label class="check">
            <input
              type="checkbox"
              checked={form.endpoint_types === null}
              onChange={(e) =>
                set({
                  endpoint_types: e.currentTarget.checked ? null : [...(base?.supported_endpoint_types ?? ['chat'])],
                })
              }
            />
            {base
              ? `inherit from ${base.id} (${base.supported_endpoint_types.join(', ')})`
              : 'inherit from the base model'}
          </label>
          {form.endpoint_types !== null
            ? ENDPOINT_TYPES.map((type) => (
                <label key={type} class="check">
                  <input
                    type="checkbox"
                    checked={form.endpoint_types!.includes(type)}
                    onChange={(e) =>
                      set({
                        endpoint_types: e.currentTarget.checked
                          ? [...form.endpoint_types!, type]
                          : form.endpoint_types!.filter((t) => t !== type),
                      })
                    }
                  />
                  {type}
                </label>
              ))
            : null}
        </fieldset>
        <div class="row">
          <InputField
            id="model-context_length"
            label="Context length"
            error={errors.context_length}
            hint={form.context_length ? '' : inherited(base?.context_length)}
            inputMode="numeric"
            value={form.context_length}
            placeholder={base?.context_length ? String(base.context_length) : ''}
            onValue={(context_length) => set({ context_length })}
          />
          <InputField
            id="model-max_output_tokens"
            label="Max output tokens"
            error={errors.max_output_tokens}
            hint={form.max_output_tokens ? '' : inherited(base?.max_output_tokens)}
            inputMode="numeric"
            value={form.max_output_tokens}
            placeholder={base?.max_output_tokens ? String(base.max_output_tokens) : ''}
            onValue={(max_output_tokens) => set({ max_output_tokens })}
          />
        </div>
        <div class="row">
          <InputField
            id="model-input_per_million"
            label="Input price per million tokens"
            error={errors.input_per_million}
            hint={
              form.input_price || form.output_price
                ? ''
                : inherited(
                    base?.pricing
                      ? `${base.pricing.input_per_million ?? '–'} / ${base.pricing.output_per_million ?? '–'} ${base.pricing.currency ?? 'USD'}`
                      : null,
                  )
            }
            inputMode="decimal"
            value={form.input_price}
            onValue={(input_price) => set({ input_price })}
          />
          <InputField
            id="model-output_per_million"
            label="Output price per million tokens"
            error={errors.output_per_million}
            inputMode="decimal"
            value={form.output_price}
            onValue={(output_price) => set({ output_price })}
          />
          <InputField
            id="model-currency"
            label="Currency"
            placeholder="USD"
            maxLength={8}
            value={form.currency}
            onValue={(currency) => set({ currency })}
          />
        </div>
        {errors.form ? (
          <p class="error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {creating ? 'Create model' : 'Save changes'}
          </button>
          <Link to={{}}>Cancel</Link>
        </div>
      </form>
    </section>
  );
}
