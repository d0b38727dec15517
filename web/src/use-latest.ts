import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load(signal)` whenever `key` changes. Only the latest request's answer is ever shown: an
 * older one still in flight is aborted and, should it answer anyway, ignored, so fast typing never
 * renders results out of order. The previous data stays on screen while the next loads.
 */
export function useLatest<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (ticket === latest.current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (ticket === latest.current && !controller.signal.aborted)
          setState((previous) => ({ ...previous, error: errorText(error), loading: false }));
      },
    );
    return () => controller.abort();
    // `key` names everything `load` depends on: a new `load` closure alone is no reason to reload.
  }, [key, round]);
  return { ...state, reload: () => setRound((n) => n + 1) } as Loaded<T>;
}
