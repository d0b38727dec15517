import { api } from '../api';
import { Link } from '../link';
import { navigate, paramsFromNext } from '../route';
import { useSession } from '../session';
import type { Me } from '../types';
import { ErrorText } from '../parts/form-parts';
import { useAction } from '../use-action';

interface AuthProps {
  mode: 'signin' | 'signup';
  next: string | undefined;
  onSignedIn: (me: Me) => void;
}

/**
 * Sign in and sign up. The service answers with a token and also sets it as an httpOnly cookie:
 * the app keeps only the cookie, so script in the page (an injected one included) never holds it.
 */
export function AuthPage({ mode, next, onSignedIn }: AuthProps) {
  const { busy, error, run } = useAction();
  const signUp = mode === 'signup';

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const body: Record<string, string> = { email: field('email'), password: field('password') };
    if (signUp) body.name = field('name');
    await run(async () => {
      await api(signUp ? '/api/auths/signup' : '/api/auths/signin', { method: 'POST', body });
      const me = await api<Me>('/api/auths');
      onSignedIn(me);
      navigate(paramsFromNext(next), { replace: true });
    });
  };

  const title = signUp ? 'Create an account' : 'Sign in';
  return (
    <main id="main" class="auth">
      <h1>Model registry</h1>
      <form class="card" onSubmit={(event) => void submit(event)} aria-labelledby="auth-title">
        <h2 id="auth-title">{title}</h2>
        {signUp ? (
          <label>
            Name
            <input name="name" autoComplete="name" required maxLength={256} />
          </label>
        ) : null}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete={signUp ? 'new-password' : 'current-password'} required />
        </label>
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {title}
        </button>
        <p class="hint">
          {signUp ? 'Already have an account? ' : 'No account yet? '}
          <Link to={{ p: signUp ? 'signin' : 'signup', next }}>{signUp ? 'Sign in' : 'Create one'}</Link>
          {signUp ? null : '. The first account becomes the administrator.'}
        </p>
      </form>
    </main>
  );
}

/** What a pending account sees: nothing to use until an admin approves it. */
export function PendingPage() {
  const { me, refresh } = useSession();
  return (
    <section class="card narrow" aria-labelledby="pending-title">
      <h1 id="pending-title">Waiting for approval</h1>
      <p>
        Your account <strong>{me.email}</strong> was created, and an administrator must approve it before you can use
        the workspace. Ask an administrator of this registry, then check again.
      </p>
      <button type="button" class="primary" onClick={refresh}>
        Check again
      </button>
    </section>
  );
}
