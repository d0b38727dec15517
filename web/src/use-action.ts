import { useState } from 'preact/hooks';
import { errorText } from './api';

/**
 * An action the user starts (save, import, restore, transfer…): `busy` while it runs, and the
 * service's error as text if it fails; a new run clears the last error. `run` answers whether the
 * work succeeded.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (caught) {
      setError(errorText(caught));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
