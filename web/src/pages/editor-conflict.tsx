import { useState } from 'preact/hooks';
import type { ModelForm } from './model-form';

/** The editor's fields in words, in the form's order (prices count as one field). */
const LABELS: [keyof ModelForm, string][] = [
  ['base_model_id', 'Base model'],
  ['name', 'Name'],
  ['image', 'Profile image'],
  ['description', 'Description'],
  ['tags', 'Tags'],
  ['system', 'System prompt'],
  ['params', 'Other parameters'],
  ['capabilities', 'Capabilities'],
  ['endpoint_types', 'Endpoint types'],
  ['context_length', 'Context length'],
  ['max_output_tokens', 'Max output tokens'],
  ['input_price', 'Input price'],
  ['output_price', 'Output price'],
  ['currency', 'Currency'],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The form fields whose values differ between `a` and `b`. */
export function changedFields(a: ModelForm, b: ModelForm): (keyof ModelForm)[] {
  return LABELS.map(([key]) => key).filter((key) => !same(a[key], b[key]));
}

/**
 * The latest version with the user's edits on top: a field the user changed (compared with where it
 * started) keeps the user's value, every other field takes the latest one.
 */
export function mergeForms(start: ModelForm, mine: ModelForm, latest: ModelForm): ModelForm {
  const merged = { ...latest };
  for (const key of changedFields(start, mine)) (merged as Record<string, unknown>)[key] = mine[key];
  return merged;
}

const labelOf = (key: keyof ModelForm) => LABELS.find(([k]) => k === key)?.[1] ?? key;
const list = (keys: (keyof ModelForm)[]) => keys.map(labelOf).join(', ') || 'nothing';

function valueText(key: keyof ModelForm, value: unknown): string {
  if (key === 'image') return value ? 'an image' : 'none';
  if (key === 'endpoint_types' && value === null) return 'inherited';
  if (key === 'capabilities')
    return (
      Object.entries(value as Record<string, boolean>)
        .filter(([, on]) => on)
        .map(([name]) => name)
        .join(', ') || 'none'
    );
  if (Array.isArray(value)) return value.join(', ');
  return String(value) || '(empty)';
}

export interface Conflict {
  /** The version the user started from, and the current one. */
  from: number;
  current: number;
  start: ModelForm;
  latest: ModelForm;
}

interface NoticeProps {
  conflict: Conflict;
  mine: ModelForm;
  /** Loads the latest version, with (keep) or without the user's edits. */
  onLoad: (keep: boolean) => void;
}

/**
 * A stale save (409): nothing was saved and the user's text is still in the form. It says what the
 * other change touched, shows it next to the user's values on request, and offers to load the latest
 * version with the user's edits on top (saved only when the user saves again) or without them.
 */
export function ConflictNotice({ conflict, mine, onLoad }: NoticeProps) {
  const [shown, setShown] = useState(false);
  const theirs = changedFields(conflict.start, conflict.latest);
  const yours = changedFields(conflict.start, mine);
  const both = theirs.filter((key) => yours.includes(key));
  return (
    <div class="card notice warn" role="alert" aria-labelledby="conflict-title">
      <p id="conflict-title">
        <strong>Not saved: someone else changed this model while you were editing.</strong> You started from version{' '}
        {conflict.from}; the current version is {conflict.current}. Your text is still in the form.
      </p>
      <p>
        {theirs.length
          ? `They changed: ${list(theirs)}. `
          : 'Their change touched nothing in this form (it may have changed who has access, or the active or hidden state). '}
        You changed: {list(yours)}.{both.length ? ` Both of you changed: ${list(both)}.` : ''}
      </p>
      <div class="actions">
        <button type="button" aria-expanded={shown} aria-controls="conflict-changes" onClick={() => setShown(!shown)}>
          {shown ? 'Hide' : 'Show'} what changed
        </button>
        <button type="button" class="primary" onClick={() => onLoad(true)}>
          Load version {conflict.current}, keeping my edits
        </button>
        <button type="button" onClick={() => onLoad(false)}>
          Discard my edits and load version {conflict.current}
        </button>
      </div>
      <dl class="changes" id="conflict-changes" hidden={!shown}>
        {theirs.map((key) => (
          <div key={key}>
            <dt>{labelOf(key)}</dt>
            <dd>
              <span class="hint">version {conflict.current}</span>
              <pre>{valueText(key, conflict.latest[key])}</pre>
              {yours.includes(key) ? (
                <>
                  <span class="hint">yours</span>
                  <pre>{valueText(key, mine[key])}</pre>
                </>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
