import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { described, Field, Message, useIdClash, type Errors, ErrorText } from '../parts/form-parts';
import { Link } from '../link';
import { ImagePicker } from '../parts/image-picker';
import { navigate } from '../route';
import type { Model } from '../types';
import { useLatest } from '../use-latest';
import { ConflictNotice, mergeForms, type Conflict } from './editor-conflict';
import { InheritedFields } from './editor-inherited';
import { ModelTools } from '../parts/model-tools';
import {
  bodyOf,
  CAPABILITIES,
  emptyForm,
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
  // The version being edited and its form: a save sends that version, a conflict compares with it.
  const [origin, setOrigin] = useState<{ model: Model; form: ModelForm }>();
  const [conflict, setConflict] = useState<Conflict & { model: Model }>();
  const [notice, setNotice] = useState<string>();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const idEdited = useRef(false);
  const model = existing.data;
  const baseOf = (baseId: string | null) => bases.data?.data.find((item) => item.id === baseId)?.info;
  const base = baseOf(form.base_model_id);

  useEffect(() => {
    if (!model || !bases.data) return;
    const loaded = formOf(model, baseOf(model.base_model_id));
    // A reload (after a transfer, say) keeps what the user typed on top of the new version.
    setForm((now) => (origin ? mergeForms(origin.form, now, loaded) : loaded));
    setOrigin({ model, form: loaded });
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
  // The form shows once the model and the base models are in, so nothing typed earlier is overwritten.
  if (!creating && (!model || (model.write_access && !origin && !bases.error)))
    return <p role="status">Loading the model…</p>;
  if (model && !model.write_access)
    return (
      <Message title={`You cannot edit ${model.name}`}>
        <p>
          You can read this model but not change it: ask its owner ({model.user?.name ?? 'nobody'}) for write access.
        </p>
        <p>
          Its id is <code>{model.id}</code>, built on <code>{model.base_model_id}</code>.
        </p>
        <div class="row-actions">
          <ModelTools model={model} />
        </div>
      </Message>
    );

  const set = (change: Partial<ModelForm>) => {
    setForm((f) => ({ ...f, ...change }));
    // An error goes away once its field is edited.
    if (Object.keys(errors).length > 0) setErrors({});
  };
  /** Someone else saved first (409): keep the user's text, fetch the latest and say what differs. */
  const conflicted = async () => {
    const latest = await api<Model>(`/api/models/model?id=${encodeURIComponent(id!)}`);
    const latestForm = formOf(latest, baseOf(latest.base_model_id));
    setConflict({
      from: origin!.model.version,
      current: latest.version,
      start: origin!.form,
      latest: latestForm,
      model: latest,
    });
  };
  const loadLatest = (keep: boolean) => {
    if (!conflict) return;
    setForm(keep ? mergeForms(conflict.start, form, conflict.latest) : conflict.latest);
    setOrigin({ model: conflict.model, form: conflict.latest });
    setConflict(undefined);
    setNotice(
      keep
        ? `Version ${conflict.current} loaded with your edits on top: check them, then save again.`
        : `Version ${conflict.current} loaded; your edits were discarded.`,
    );
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setNotice(undefined);
    let body: Record<string, unknown>;
    try {
      body = bodyOf(form, origin?.model.meta ?? {});
    } catch (error) {
      if (error instanceof FormError) return setErrors({ [error.field]: error.message });
      throw error;
    }
    if (origin) body.version = origin.model.version;
    setBusy(true);
    try {
      await api(creating ? '/api/models/create' : '/api/models/model/update', { method: 'POST', body });
      navigate({});
    } catch (error) {
      const detail = errorText(error);
      if (!creating && error instanceof ApiError && error.status === 409) {
        await conflicted().catch((caught: unknown) => setErrors({ form: `${detail} (${errorText(caught)})` }));
        return;
      }
      const field = error instanceof ApiError && error.status === 409 ? 'id' : fieldOfDetail(detail);
      setErrors({ [field && document.getElementById(`model-${field}`) ? field : 'form']: detail });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="editor-title">
      <div class="page-head">
        <h1 id="editor-title">{creating ? 'New model' : `Edit ${model!.name}`}</h1>
        <Link to={{}}>Back to models</Link>
      </div>
      {model ? (
        <div class="row-actions" role="group" aria-label="More actions">
          <ModelTools model={model} onChanged={existing.reload} />
        </div>
      ) : null}
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
        <InheritedFields form={form} base={base} errors={errors} set={set} />
        {conflict ? <ConflictNotice conflict={conflict} mine={form} onLoad={loadLatest} /> : null}
        {notice ? (
          <p class="notice card" role="status">
            {notice}
          </p>
        ) : null}
        <ErrorText error={errors.form} />
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
