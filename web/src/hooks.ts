import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api/client';
import type { Workspace } from './api/types';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, String(e)));

// Runs `load` whenever `deps` change; the newest call wins.
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error: asApiError(error), loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

export function useWorkspace(slug: string): Loaded<Workspace> {
  return useLoad(() => api('get', '/api/v1/workspaces/{workspace}', { path: { workspace: slug } }), [slug]);
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Impetus` : 'Impetus';
  }, [title]);
}

// What a form or a button does against the API: busy while it runs, then a status message
// (announced) or the API's problem, whose field errors the form shows beside its fields. `run`
// returns whether the action succeeded.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const run = async (action: () => Promise<string | void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      const done = await action();
      if (done) setStatus(done);
      return true;
    } catch (err) {
      setError(asApiError(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const fail = (e: ApiError) => setError(e);
  return { busy, error, status, run, fail, fields: error?.fields ?? new Map<string, string>() };
}
export type Action = ReturnType<typeof useAction>;
