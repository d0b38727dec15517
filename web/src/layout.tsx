import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Link } from './link';
import type { Params } from './route';
import { useSession } from './session';
import { applyTheme, savedTheme, type Theme } from './theme';

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(savedTheme);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      class="ghost"
      aria-label={`Switch to the ${next} theme`}
      onClick={() => {
        applyTheme(next, true);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}

const PAGES: { p: string; label: string; admin?: boolean }[] = [
  { p: 'models', label: 'Models' },
  { p: 'keys', label: 'API keys' },
  { p: 'admin', label: 'Admin', admin: true },
];

/** Header with the app's pages, theme and account; the page itself in <main>. */
export function Layout({ params, children }: { params: Params; children: ComponentChildren }) {
  const { me, signOut } = useSession();
  const current =
    params.p === 'new' || params.p === 'edit' || params.p === 'history' || !params.p ? 'models' : params.p;
  const pages = me.role === 'pending' ? [] : PAGES.filter((page) => !page.admin || me.role === 'admin');
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Model registry</span>
        <nav aria-label="Pages">
          {pages.map((page) => (
            <Link
              key={page.p}
              to={page.p === 'models' ? {} : { p: page.p }}
              aria-current={current === page.p ? 'page' : undefined}
            >
              {page.label}
            </Link>
          ))}
        </nav>
        <div class="account">
          <ThemeToggle />
          <span class="who" title={me.email}>
            {me.name}
            {me.role === 'admin' ? <span class="badge">admin</span> : null}
          </span>
          <button type="button" class="ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
