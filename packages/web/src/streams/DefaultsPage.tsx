/**
 * `/streams/{directory}/defaults` (app.md §9.2, §9.4): the stream's option defaults in a form
 * generated from the option registry with the builder's grouping and fields, limited to the
 * options the server says a stream may store; each field shows the registry default. Only values
 * that differ from it are sent (the server drops the rest too). Save and reset for media users.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiRequestError, type SessionInfo } from '../account/api.ts';
import { OptionField } from '../builder/OptionField.tsx';
import { FORM_OPTIONS, optionGroups, streamDefaultValues, type OptionValues } from '../registry.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { change, currentSession, getJson, streamUrl } from './api.ts';

/** URL-text values by parameter → stored defaults: full names, prefixed families nested. */
export function toDefaults(values: OptionValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of FORM_OPTIONS) {
    const v = values[o.param];
    if (v === undefined || v === o.default) continue;
    const dot = o.name.indexOf('.');
    if (dot === -1) out[o.name] = v;
    else {
      const family = (out[o.name.slice(0, dot)] ??= {}) as Record<string, unknown>;
      family[o.name.slice(dot + 1)] = v;
    }
  }
  return out;
}

export function DefaultsPage({ match }: { match: RegExpExecArray }) {
  const directory = decodeURIComponent(match[1]!);
  const [allowed, setAllowed] = useState<Set<string> | null>(null);
  const [values, setValues] = useState<OptionValues>({});
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    getJson<{ values: Record<string, unknown>; allowed: string[] }>(`${streamUrl(directory)}/defaults`)
      .then((r) => {
        setAllowed(new Set(r.allowed));
        setValues(streamDefaultValues(r.values));
      })
      .catch((e: unknown) => setError({ message: e instanceof Error ? e.message : String(e) }));
    currentSession()
      .then(setSession)
      .catch(() => undefined);
  }, [directory]);
  useReadyMarker(allowed !== null || error !== null);
  const media = session?.permissions.media ?? false;
  const groups = allowed ? optionGroups(FORM_OPTIONS.filter((o) => allowed.has(o.name))) : [];

  const save = async (next: OptionValues) => {
    setError(null);
    setSaved(false);
    try {
      const r = await change<{ values: Record<string, unknown> }>('PUT', `${streamUrl(directory)}/defaults`, {
        values: toDefaults(next),
      });
      setValues(streamDefaultValues(r.values));
      setSaved(true);
    } catch (e) {
      setError(
        e instanceof ApiRequestError ? e.failure : { message: e instanceof Error ? e.message : String(e) },
      );
    }
  };
  const fieldError = (param: string) => {
    const o = FORM_OPTIONS.find((x) => x.param === param);
    return error?.field && o && error.field === o.name ? error.message : undefined;
  };

  return (
    <Page>
      <PageTitle
        title="Option defaults"
        crumbs={[
          { label: 'Streams', href: '/streams' },
          { label: directory, href: `/streams/${encodeURIComponent(directory)}` },
        ]}
      />
      <p>
        Values stored here apply to every request of this stream before the URL's own options. Only values
        that differ from the registry default are kept.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(values);
        }}
      >
        {groups.map((g) => (
          <details key={g.id} open={g.id === 'general'}>
            <summary>{g.title}</summary>
            {g.options.map((o) => (
              <OptionField
                key={o.param}
                option={o}
                value={values[o.param] ?? o.default}
                baseline={o.default}
                support={{ ok: true }}
                {...(fieldError(o.param) ? { error: fieldError(o.param)! } : {})}
                onChange={(param, v) => setValues((old) => ({ ...old, [param]: v }))}
              />
            ))}
          </details>
        ))}
        {error && <p role="alert">{error.message}</p>}
        {saved && <p role="status">Saved.</p>}
        {media && (
          <div role="group">
            <button type="submit">Save</button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setValues({});
                void save({});
              }}
            >
              Reset to registry defaults
            </button>
          </div>
        )}
      </form>
    </Page>
  );
}
