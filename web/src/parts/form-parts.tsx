import type { ComponentChildren, JSX } from 'preact';
import { api, ApiError } from '../api';
import { Link } from '../link';
import { useLatest } from '../use-latest';

export type Errors = Record<string, string>;

/** A labelled input with its error right under it, tied together for screen readers. */
export function Field(props: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span class="error" id={`${props.id}-error`} role="alert">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

type InputAttributes = Pick<
  JSX.InputHTMLAttributes<HTMLInputElement>,
  'inputMode' | 'placeholder' | 'required' | 'maxLength'
>;

/**
 * A Field around one text input with the same id. Only the attributes given reach the input
 * (rest spread), so a left-out one is never set as empty.
 */
export function InputField({
  id,
  label,
  error,
  hint,
  value,
  onValue,
  ...input
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
} & InputAttributes) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input id={id} {...input} value={value} onInput={(e) => onValue(e.currentTarget.value)} />
    </Field>
  );
}

/** The attributes that tie an input to its error message. */
export const described = (id: string, error: string | undefined) =>
  ({ 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined }) as const;

/** Whether an id is taken among the models this user can read (the server's 409 has the last word). */
export function useIdClash(id: string, enabled: boolean): string | undefined {
  const check = useLatest(enabled ? `clash:${id}` : 'off', async (signal) => {
    if (!enabled || !id) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (signal.aborted) return undefined;
    try {
      await api(`/api/models/model?id=${encodeURIComponent(id)}`, { signal });
      return 'a model you can see already has this id: choose another';
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  });
  // While the check of a new id runs, the answer for the previous id says nothing about this one.
  return check.loading ? undefined : check.data;
}

/** A page that only says something (a model not found, or not editable). */
export function Message({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card narrow" aria-labelledby="message-title">
      <h1 id="message-title">{title}</h1>
      {children}
      <p>
        <Link to={{}}>Back to models</Link>
      </p>
    </section>
  );
}

/** An error from the service shown where the user acted, announced to screen readers; nothing when there is none. */
export function ErrorText({ error }: { error: string | null | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}
