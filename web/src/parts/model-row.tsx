import { Link } from '../link';
import type { Model } from '../types';
import { ModelActions } from './model-actions';

/** The model's picture: its profile image when it is served from here (or inline), else its initial. */
export function ModelAvatar({ model }: { model: Pick<Model, 'name' | 'meta'> }) {
  const url = model.meta.profile_image_url;
  // The CSP lets images come from this service and data: URIs only; anything else shows the initial.
  if (url && (url.startsWith('/') || url.startsWith('data:image/'))) return <img class="avatar" src={url} alt="" />;
  return (
    <span class="avatar initial" aria-hidden="true">
      {(model.name.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}

interface RowProps {
  model: Model;
  onTag: (tag: string) => void;
  onChanged: () => void;
  selected: boolean;
  onSelect: (on: boolean) => void;
}

/** One model of the workspace list. Every text comes from the API and is rendered as text, never as HTML. */
export function ModelRow({ model, onTag, onChanged, selected, onSelect }: RowProps) {
  const owner = model.user ? model.user.name : 'deleted user';
  const tags = model.meta.tags ?? [];
  return (
    <li class={selected ? 'model-row selected' : 'model-row'}>
      <input
        type="checkbox"
        class="select-row"
        aria-label={`Select ${model.name} (${model.id})`}
        checked={selected}
        onChange={(event) => onSelect(event.currentTarget.checked)}
      />
      <ModelAvatar model={model} />
      <div class="model-main">
        <div class="model-title">
          <Link to={{ p: 'edit', id: model.id }} class="model-name">
            {model.name}
          </Link>
          {!model.is_active ? <span class="badge off">inactive</span> : null}
          {model.meta.hidden ? <span class="badge off">hidden</span> : null}
          {!model.write_access ? <span class="badge">read only</span> : null}
        </div>
        <div class="model-sub">
          <code class="model-id">{model.id}</code>
          <span>
            by <span class="owner">{owner}</span>
          </span>
          <span class="base">on {model.base_model_id}</span>
        </div>
        {model.meta.description ? <p class="model-description">{model.meta.description}</p> : null}
        {tags.length > 0 ? (
          <ul class="tags" aria-label="Tags">
            {tags.map((tag) => (
              <li key={tag.name}>
                <button
                  type="button"
                  class="tag"
                  onClick={() => onTag(tag.name)}
                  aria-label={`Show models tagged ${tag.name}`}
                >
                  {tag.name}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <ModelActions model={model} onChanged={onChanged} />
      </div>
    </li>
  );
}
