import { useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { described, Field, type Errors, ErrorText } from '../parts/form-parts';
import type { Role, User } from '../types';

const EMPTY = { name: '', email: '', password: '', role: 'user' as Role };
const FIELDS = ['name', 'email', 'password', 'role'] as const;

/**
 * Which of the form's fields an API error names: validation details start with the field
 * ("password must be at least 8 characters"), a clash names it ("email already in use").
 */
function fieldOf(detail: string): (typeof FIELDS)[number] | undefined {
  const first = /^(?:property )?([a-z_]+)/.exec(detail)?.[1];
  return FIELDS.find((field) => field === first);
}

/**
 * Creates an account (`POST /api/users`, admins): name, email, password and role. The service
 * validates; its answer is shown at the field it names, or above the button.
 */
export function NewUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [created, setCreated] = useState<User>();
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<typeof form>) => {
    setForm((f) => ({ ...f, ...change }));
    // A field's error goes once the field changes; the others stay until the next submit.
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([key]) => !(key in change))));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setErrors({});
    setCreated(undefined);
    setBusy(true);
    try {
      const user = await api<User>('/api/users', { method: 'POST', body: form });
      setForm(EMPTY);
      setCreated(user);
      onCreated(user);
    } catch (caught) {
      const detail = errorText(caught);
      const field = caught instanceof ApiError ? fieldOf(detail) : undefined;
      setErrors({ [field ?? 'form']: detail });
    } finally {
      setBusy(false);
    }
  };
  const input = (id: string, key: 'name' | 'email' | 'password', label: string, type: string, autoComplete: string) => (
    <Field id={id} label={label} error={errors[key]}>
      <input
        id={id}
        type={type}
        autoComplete={autoComplete}
        value={form[key]}
        onInput={(e) => set({ [key]: e.currentTarget.value })}
        {...described(id, errors[key])}
      />
    </Field>
  );
  return (
    // noValidate: the service's checks are the rules, and its messages are the ones shown.
    <form class="card editor" noValidate onSubmit={(e) => void submit(e)} aria-label="Create an account">
      <h2>Create an account</h2>
      <div class="row">
        {input('new-user-name', 'name', 'Full name', 'text', 'off')}
        {input('new-user-email', 'email', 'Email address', 'email', 'off')}
      </div>
      <div class="row">
        {input('new-user-password', 'password', 'Initial password', 'password', 'new-password')}
        <Field id="new-user-role" label="Account role" error={errors.role}>
          <select
            id="new-user-role"
            value={form.role}
            onChange={(e) => set({ role: e.currentTarget.value as Role })}
            {...described('new-user-role', errors.role)}
          >
            <option value="user">user</option>
            <option value="admin">admin</option>
            <option value="pending">pending</option>
          </select>
        </Field>
      </div>
      <ErrorText error={errors.form} />
      {created ? (
        <p class="hint" role="status">
          Created {created.name} ({created.email}) as {created.role}. They sign in with this password.
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Create account
        </button>
      </div>
    </form>
  );
}
