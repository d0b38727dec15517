import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText, whenSessionLost } from './api';
import { Layout } from './layout';
import { AuthPage, PendingPage } from './pages/auth';
import { AdminPage } from './pages/admin';
import { EditorPage } from './pages/editor';
import { HistoryPage } from './pages/history';
import { KeysPage } from './pages/keys';
import { ModelsPage, startModelsEarly } from './pages/models';
import { currentParams, navigate, paramsFromNext, signInParams, useParams, type Params } from './route';
import { SessionContext, type Session } from './session';
import { applyTheme, savedTheme } from './theme';
import type { Me } from './types';
import './styles.css';

applyTheme(savedTheme());
const first = currentParams();
if (!first.p || first.p === 'models') startModelsEarly(first);

type Who =
  { state: 'loading' } | { state: 'signed-out' } | { state: 'in'; me: Me } | { state: 'error'; message: string };

function Page({ params }: { params: Params }) {
  switch (params.p) {
    case undefined:
    case 'models':
      return <ModelsPage params={params} />;
    case 'new':
      return <EditorPage key="new" />;
    case 'admin':
      return <AdminPage tab={params.tab} />;
    case 'history':
      return (
        <HistoryPage
          key={`history:${params.id ?? ''}`}
          id={params.id ?? ''}
          page={Math.max(1, Number.parseInt(params.page ?? '1', 10) || 1)}
        />
      );
    case 'keys':
      return <KeysPage />;
    case 'edit':
      return <EditorPage key={`edit:${params.id ?? ''}`} id={params.id ?? ''} />;
    default:
      return (
        <section aria-labelledby="not-found">
          <h1 id="not-found">Page not found</h1>
          <p>This address names no page of the app. Go back to the models list.</p>
        </section>
      );
  }
}

function App() {
  const params = useParams();
  const [who, setWho] = useState<Who>({ state: 'loading' });
  const load = () =>
    api<Me>('/api/auths').then(
      (me) => setWho({ state: 'in', me }),
      (error: unknown) =>
        setWho(
          error instanceof ApiError && error.status === 401
            ? { state: 'signed-out' }
            : { state: 'error', message: errorText(error) },
        ),
    );
  useEffect(() => {
    // A lost session (expired token, signed out elsewhere) sends the user to sign in, then back here.
    whenSessionLost(() => {
      setWho({ state: 'signed-out' });
      navigate(signInParams(), { replace: true });
    });
    void load();
  }, []);

  if (who.state === 'loading')
    return (
      <p class="loading" role="status">
        Loading…
      </p>
    );
  if (who.state === 'error') return <p role="alert">{who.message}</p>;
  if (who.state === 'signed-out' || params.p === 'signin' || params.p === 'signup') {
    if (who.state === 'in' && (params.p === 'signin' || params.p === 'signup')) {
      navigate(paramsFromNext(params.next), { replace: true });
      return null;
    }
    return (
      <AuthPage
        mode={params.p === 'signup' ? 'signup' : 'signin'}
        next={params.next}
        onSignedIn={(me) => setWho({ state: 'in', me })}
      />
    );
  }
  const session: Session = {
    me: who.me,
    refresh: () => void load(),
    signOut: async () => {
      await api('/api/auths/signout', { method: 'POST' }).catch(() => undefined);
      setWho({ state: 'signed-out' });
      navigate({ p: 'signin' });
    },
  };
  return (
    <SessionContext.Provider value={session}>
      <Layout params={params}>{who.me.role === 'pending' ? <PendingPage /> : <Page params={params} />}</Layout>
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
