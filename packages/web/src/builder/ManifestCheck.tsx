/**
 * Checks the URL the builder wrote by asking the server for the manifest, shortly after the last
 * change. The server applies the registry's validation, so its 400 (with one message per option
 * in `fields`) is the inline validation the form shows: one source of rules, no copy in the UI.
 */
import { useEffect, useState } from 'preact/hooks';

export interface ManifestCheck {
  state: 'idle' | 'checking' | 'ok' | 'error';
  message: string;
  /** Messages by URL parameter name. */
  fields: Record<string, string>;
  /** The MPD text when the server produced one. */
  text: string | null;
}

const IDLE: ManifestCheck = { state: 'idle', message: '', fields: {}, text: null };
const DEBOUNCE_MS = 300;

interface ErrorBody {
  error?: { message?: string; fields?: Record<string, string> };
}

export function useManifestCheck(url: string | null): ManifestCheck {
  const [check, setCheck] = useState<ManifestCheck>(IDLE);
  useEffect(() => {
    if (!url) {
      setCheck(IDLE);
      return;
    }
    const abort = new AbortController();
    setCheck((c) => ({ ...c, state: 'checking' }));
    const timer = setTimeout(() => {
      fetch(url, { signal: abort.signal })
        .then(async (r) => {
          const body = await r.text();
          if (r.ok) {
            const kind = /type="dynamic"/.test(body) ? 'dynamic (live)' : 'static';
            setCheck({
              state: 'ok',
              message: `The server builds this manifest: ${kind}, ${body.length.toLocaleString()} characters.`,
              fields: {},
              text: body,
            });
            return;
          }
          let parsed: ErrorBody = {};
          try {
            parsed = JSON.parse(body) as ErrorBody;
          } catch {
            // Not our JSON error shape; the status alone explains it.
          }
          setCheck({
            state: 'error',
            message: `The server refuses this URL (${r.status}): ${parsed.error?.message ?? r.statusText}`,
            fields: parsed.error?.fields ?? {},
            text: null,
          });
        })
        .catch((e: unknown) => {
          if (abort.signal.aborted) return;
          setCheck({
            state: 'error',
            message: `Could not fetch the manifest: ${String(e)}`,
            fields: {},
            text: null,
          });
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [url]);
  return check;
}
