/**
 * One server resource shown by a page (app.md §9.2): fetched on mount (or when the page says),
 * its failures kept as one sentence for the page's alert, changes (a delete, a revoke) followed by
 * a fresh fetch, and the page marked ready once either a value or an error is there (the browser
 * tests wait for that marker).
 */
import { useEffect, useState } from 'preact/hooks';
import { failureText } from './account/api.ts';
import { useReadyMarker } from './shell.tsx';

export interface Resource<T> {
  /** null until the first fetch answers. */
  value: T | null;
  /** The sentence of the last failure; a later successful fetch leaves it in place. */
  error: string | null;
  setError(message: string | null): void;
  /** Fetches again; never rejects (a failure sets `error`). */
  reload(): Promise<void>;
  /** Clears the error, runs `change` and reloads; a failure of `change` sets `error`. Never rejects. */
  mutate(change: () => Promise<unknown>): Promise<void>;
}

export interface ResourceOptions {
  /** The alert's sentence for a failed fetch or change; by default the server's own sentence. */
  errorText?: (err: unknown) => string;
  /** False when the page calls `reload` itself, e.g. once it knows who is logged in. */
  onMount?: boolean;
}

export function useResource<T>(fetch: () => Promise<T>, opts: ResourceOptions = {}): Resource<T> {
  const errorText = opts.errorText ?? ((e: unknown) => failureText(e).message);
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useReadyMarker(value !== null || error !== null);

  const reload = () =>
    fetch()
      // a function form, so a value that is itself a function is stored, not called
      .then((v) => setValue(() => v))
      .catch((e: unknown) => setError(errorText(e)));
  useEffect(() => {
    if (opts.onMount !== false) void reload();
  }, []);

  const mutate = async (change: () => Promise<unknown>) => {
    setError(null);
    try {
      await change();
    } catch (e) {
      setError(errorText(e));
      return;
    }
    await reload();
  };

  return { value, error, setError, reload, mutate };
}
