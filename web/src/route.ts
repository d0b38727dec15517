import { useEffect, useState } from 'preact/hooks';

/**
 * The app's state lives in the query string of `/` (docs/webapp.md): `p` names the page (absent: the
 * workspace list), the rest are that page's parameters. Reload, back/forward and a shared link
 * therefore show the same thing.
 */
export type Params = Record<string, string | undefined>;

const CHANGE = 'registry:navigate';

export function hrefFor(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `/?${text}` : '/';
}

export function currentParams(): Params {
  return Object.fromEntries(new URLSearchParams(location.search).entries());
}

/** Goes to `params`: a new history entry, or (replace) the current one, e.g. while typing a search. */
export function navigate(params: Params, options: { replace?: boolean } = {}): void {
  const href = hrefFor(params);
  if (href === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current query-string state, re-read on back/forward and on the app's own navigation. */
export function useParams(): Params {
  const [params, setParams] = useState(currentParams);
  useEffect(() => {
    const update = () => setParams(currentParams());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return params;
}

/** The sign-in page, remembering where the user was so signing in leads back there. */
export function signInParams(): Params {
  const here = currentParams();
  const back = here.p === 'signin' || here.p === 'signup' ? here.next : location.search.replace(/^\?/, '');
  return { p: 'signin', next: back || undefined };
}

export function paramsFromNext(next: string | undefined): Params {
  return next ? Object.fromEntries(new URLSearchParams(next).entries()) : {};
}
