import { api } from './api';

/** An early answer older than this is not used: the page asks again. */
const FRESH_MS = 10_000;

/**
 * Requests started while the app boots, before it knows who is signed in: the workspace list does
 * not wait for `GET /api/auths` to answer (one round trip less on the first load). Each is used at
 * most once, while fresh, by the page that asks for the same path; a failed one (not signed in) is
 * forgotten at once, so the page asks again after sign-in.
 */
const started = new Map<string, { call: Promise<unknown>; at: number }>();

export function startEarly(path: string): void {
  const call = api(path);
  call.catch(() => started.delete(path));
  started.set(path, { call, at: Date.now() });
}

export function takeEarly<T>(path: string): Promise<T> | undefined {
  const early = started.get(path);
  started.delete(path);
  return early && Date.now() - early.at < FRESH_MS ? (early.call as Promise<T>) : undefined;
}
