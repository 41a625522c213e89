/**
 * The multi-period editor (app.md §9.6, drm-events.md §12.4): name and title checked by the
 * validate route after each 300 ms pause in typing; a playlist of Periods (drag-and-drop or the
 * arrows to reorder) with id, source stream, start and duration (empty: the rest of the source);
 * per Period the source's tracks with enabled, role, language and encrypted; the MPS's options in
 * the builder's fields (the options a stream may store as defaults, drm-events.md §12.1). Saving sends the whole model and replaces the form with the answer (snapped starts,
 * computed durations); a 400 puts each message under its field. The total duration and each
 * Period's start in the playlist follow the edits.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SessionInfo } from '../account/api.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { currentSession, formatSeconds, getJson, type Stream } from '../streams/api.ts';
import {
  checkNameTitle,
  contentRoles,
  deleteMps,
  getMps,
  MpsSaveError,
  saveMps,
  type ContentRoles,
  type MpsModel,
} from './api.ts';
import { OptionField } from '../builder/OptionField.tsx';
import { FORM_OPTIONS, optionGroups, streamDefaultValues, type OptionValues } from '../registry.ts';
import { toDefaults } from '../streams/DefaultsPage.tsx';
import './mps.css';

interface SourceTrack {
  trackId: number;
  contentType: string;
  codecs: string;
  encryptedFiles: boolean;
}

interface TrackChoice {
  enabled: boolean;
  role: string;
  lang: string;
  encrypted: boolean;
}

interface EditPeriod {
  key: number;
  pid: string;
  stream: string;
  start: string;
  duration: string;
  /** By track id. */
  tracks: Record<number, TrackChoice>;
}

interface Form {
  name: string;
  title: string;
  /** URL-text values by parameter, as the builder's fields hold them. */
  options: OptionValues;
  periods: EditPeriod[];
}

let nextKey = 1;

/** Tracks of a source stream, from its files (one entry per track id). */
function sourceTracks(stream: Stream | undefined): SourceTrack[] {
  const out = new Map<number, SourceTrack>();
  for (const f of stream?.files ?? []) {
    if (f.trackId === null || f.contentType === null) continue;
    const seen = out.get(f.trackId);
    if (seen) seen.encryptedFiles ||= f.encrypted;
    else
      out.set(f.trackId, {
        trackId: f.trackId,
        contentType: f.contentType,
        codecs: f.codecs ?? '',
        encryptedFiles: f.encrypted,
      });
  }
  return [...out.values()].sort((a, b) => a.trackId - b.trackId);
}

function defaultChoices(tracks: SourceTrack[]): Record<number, TrackChoice> {
  const out: Record<number, TrackChoice> = {};
  for (const t of tracks)
    out[t.trackId] = { enabled: t.contentType !== 'text', role: 'main', lang: '', encrypted: false };
  return out;
}

function formOf(model: MpsModel): Form {
  return {
    name: model.name,
    title: model.title,
    options: streamDefaultValues(model.options),
    periods: model.periods.map((p) => {
      const tracks: Record<number, TrackChoice> = {};
      for (const t of p.tracks)
        tracks[t.trackId] = { enabled: true, role: t.role, lang: t.lang ?? '', encrypted: t.encrypted };
      return {
        key: nextKey++,
        pid: p.pid,
        stream: p.stream,
        start: String(p.start),
        duration: p.duration === null ? '' : String(p.duration),
        tracks,
      };
    }),
  };
}

/** Seconds from the form's text (a number or an xs:duration); null when blank or unreadable. */
function seconds(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(t);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : null;
}

export function MpsEditorPage({ match }: { match: RegExpExecArray }) {
  // the name being edited: from the path, then the saved name (a save may create or rename)
  const [current, setCurrent] = useState<string | null>(match[1] ? decodeURIComponent(match[1]) : null);
  const [form, setForm] = useState<Form | null>(
    current === null ? { name: '', title: '', options: {}, periods: [] } : null,
  );
  const [streams, setStreams] = useState<Stream[]>([]);
  const [roles, setRoles] = useState<ContentRoles>({});
  /** Full names of the options a stream may store as defaults, as the server lists them. */
  const [allowed, setAllowed] = useState<ReadonlySet<string>>(new Set());
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [live, setLive] = useState<{ name?: string; title?: string }>({});
  const [status, setStatus] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dragged = useRef<number | null>(null);

  useEffect(() => {
    Promise.all([
      getJson<Stream[]>('/api/streams?files=1'),
      contentRoles(),
      currentSession(),
      current === null ? Promise.resolve(null) : getMps(current),
    ])
      .then(([s, r, info, model]) => {
        setStreams(s);
        const any = s[0];
        if (any)
          void getJson<{ allowed: string[] }>(`/api/streams/${encodeURIComponent(any.directory)}/defaults`)
            .then((d) => setAllowed(new Set(d.allowed)))
            .catch(() => undefined);
        setRoles(r);
        setSession(info);
        if (model) setForm(formOf(model));
      })
      .catch((e: unknown) =>
        setLoadError(`Could not load the editor: ${e instanceof Error ? e.message : String(e)}`),
      );
  }, []);
  useReadyMarker((form !== null && session !== null) || loadError !== null);

  const canEdit = session?.permissions.media ?? false;

  // §12.4: name and title checked after each 300 ms pause in typing
  useEffect(() => {
    if (!form || !canEdit || (form.name === '' && form.title === '')) return;
    const timer = setTimeout(() => {
      void checkNameTitle({ name: form.name, title: form.title, ...(current ? { id: current } : {}) })
        .then((r) => setLive(r.errors))
        .catch(() => undefined);
    }, 300);
    return () => clearTimeout(timer);
  }, [form?.name, form?.title, canEdit]);

  const byDir = useMemo(() => new Map(streams.map((s) => [s.directory, s])), [streams]);

  /** Each Period's length as the server will compute it (empty: the rest of the source). */
  const lengths = (form?.periods ?? []).map((p) => {
    const d = seconds(p.duration);
    if (d !== null && d > 0) return d;
    const total = byDir.get(p.stream)?.durationSeconds ?? null;
    const start = seconds(p.start) ?? 0;
    return total === null ? 0 : Math.max(0, total - start);
  });
  const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
  const total = lengths.reduce((a, b) => a + b, 0);

  if (!form)
    return (
      <Page>
        <PageTitle
          title={current ?? 'Multi-period stream'}
          crumbs={[{ label: 'Multi-period', href: '/multi-period-streams' }]}
        />
        {loadError ? <p role="alert">{loadError}</p> : <p aria-busy="true">Loading…</p>}
      </Page>
    );

  const update = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const updatePeriod = (i: number, patch: Partial<EditPeriod>) =>
    update({ periods: form.periods.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const move = (from: number, to: number) => {
    if (to < 0 || to >= form.periods.length || from === to) return;
    const periods = [...form.periods];
    const [p] = periods.splice(from, 1);
    periods.splice(to, 0, p!);
    update({ periods });
  };
  const addPeriod = () => {
    const stream = streams.find((s) => s.timingReference) ?? streams[0];
    update({
      periods: [
        ...form.periods,
        {
          key: nextKey++,
          pid: `p${form.periods.length + 1}`,
          stream: stream?.directory ?? '',
          start: '0',
          duration: '',
          tracks: defaultChoices(sourceTracks(stream)),
        },
      ],
    });
  };

  const fieldError = (path: string) =>
    errors[path] ?? (path === 'name' || path === 'title' ? live[path] : undefined);
  const msg = (path: string) => {
    const m = fieldError(path);
    return m ? (
      <small class="field-error" data-field={path}>
        {m}
      </small>
    ) : null;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      name: form.name,
      title: form.title,
      options: toDefaults(form.options),
      periods: form.periods.map((p) => ({
        pid: p.pid,
        stream: p.stream,
        start: seconds(p.start) ?? p.start,
        duration: p.duration.trim() === '' ? null : (seconds(p.duration) ?? p.duration),
        tracks: Object.entries(p.tracks)
          .filter(([, t]) => t.enabled)
          .map(([id, t]) => ({
            trackId: Number(id),
            role: t.role,
            lang: t.lang.trim() === '' ? null : t.lang.trim(),
            encrypted: t.encrypted,
          })),
      })),
    };
    setBusy(true);
    setStatus(null);
    try {
      const saved = await saveMps(current, body);
      setErrors({});
      setForm(formOf(saved));
      setStatus(
        `Saved. Starts are snapped to fragment boundaries; total ${formatSeconds(saved.durationSeconds)}.`,
      );
      if (saved.name !== current)
        history.replaceState(null, '', `/multi-period-streams/${encodeURIComponent(saved.name)}`);
      setCurrent(saved.name);
    } catch (err) {
      if (err instanceof MpsSaveError) {
        setErrors(err.fields);
        setStatus(err.message);
      } else setStatus(String(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!current || !confirm(`Delete the multi-period stream ${current}?`)) return;
    try {
      await deleteMps(current);
      location.assign('/multi-period-streams');
    } catch (err) {
      setStatus(err instanceof Error ? err.message : String(err));
    }
  };

  const saved = current !== null ? encodeURIComponent(current) : null;
  return (
    <Page>
      <PageTitle
        title={current ?? 'Add multi-period stream'}
        crumbs={[{ label: 'Multi-period', href: '/multi-period-streams' }]}
      />
      {saved && (
        <p class="mps-links">
          <a href={`/mps/vod/${saved}/hand_made.mpd`}>View VOD manifest</a>{' '}
          <a href={`/mps/live/${saved}/hand_made.mpd`}>View live manifest</a>{' '}
          <a href={`/play/mps-live/${saved}/hand_made`}>Play</a> <a href="/">Build</a>
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} data-testid="mps-form">
        <fieldset disabled={!canEdit || busy}>
          <div class="grid">
            <label>
              Name
              <input
                name="name"
                value={form.name}
                aria-invalid={fieldError('name') ? true : undefined}
                onInput={(e) => update({ name: e.currentTarget.value })}
              />
              {msg('name')}
            </label>
            <label>
              Title
              <input
                name="title"
                value={form.title}
                aria-invalid={fieldError('title') ? true : undefined}
                onInput={(e) => update({ title: e.currentTarget.value })}
              />
              {msg('title')}
            </label>
          </div>
          <h2>Periods</h2>
          <p data-testid="mps-total">
            Total duration: <strong>{formatSeconds(total)}</strong> ({total.toFixed(3).replace(/\.?0+$/, '')}{' '}
            s)
          </p>
          {msg('periods')}
          <table class="mps-periods">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Period id</th>
                <th scope="col">Source stream</th>
                <th scope="col">Start (s)</th>
                <th scope="col">Duration (s)</th>
                <th scope="col">In the playlist</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {form.periods.map((p, i) => {
                const at = `periods[${i}]`;
                const tracks = sourceTracks(byDir.get(p.stream));
                return [
                  <tr
                    key={p.key}
                    draggable={canEdit}
                    data-testid="mps-period"
                    onDragStart={() => (dragged.current = i)}
                    onDragOver={(e) => e.preventDefault()}
                    onDrop={(e) => {
                      e.preventDefault();
                      if (dragged.current !== null) move(dragged.current, i);
                      dragged.current = null;
                    }}
                  >
                    <td class="mps-order">
                      <span aria-hidden="true">⠿</span>
                      <button
                        type="button"
                        class="outline"
                        aria-label="Move up"
                        onClick={() => move(i, i - 1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        class="outline"
                        aria-label="Move down"
                        onClick={() => move(i, i + 1)}
                      >
                        ↓
                      </button>
                    </td>
                    <td>
                      <input
                        name={`${at}.pid`}
                        value={p.pid}
                        aria-invalid={fieldError(`${at}.pid`) ? true : undefined}
                        onInput={(e) => updatePeriod(i, { pid: e.currentTarget.value })}
                      />
                      {msg(`${at}.pid`)}
                    </td>
                    <td>
                      <select
                        name={`${at}.stream`}
                        value={p.stream}
                        aria-invalid={fieldError(`${at}.stream`) ? true : undefined}
                        onChange={(e) =>
                          updatePeriod(i, {
                            stream: e.currentTarget.value,
                            tracks: defaultChoices(sourceTracks(byDir.get(e.currentTarget.value))),
                          })
                        }
                      >
                        {streams.map((s) => (
                          <option key={s.directory} value={s.directory}>
                            {s.title} ({s.directory})
                          </option>
                        ))}
                      </select>
                      {msg(`${at}.stream`)}
                    </td>
                    <td>
                      <input
                        name={`${at}.start`}
                        value={p.start}
                        inputMode="decimal"
                        aria-invalid={fieldError(`${at}.start`) ? true : undefined}
                        onInput={(e) => updatePeriod(i, { start: e.currentTarget.value })}
                      />
                      {msg(`${at}.start`)}
                    </td>
                    <td>
                      <input
                        name={`${at}.duration`}
                        value={p.duration}
                        placeholder="to the end"
                        inputMode="decimal"
                        aria-invalid={fieldError(`${at}.duration`) ? true : undefined}
                        onInput={(e) => updatePeriod(i, { duration: e.currentTarget.value })}
                      />
                      {msg(`${at}.duration`)}
                    </td>
                    <td data-testid="mps-period-start">
                      {formatSeconds(starts[i] ?? 0)} – {formatSeconds((starts[i] ?? 0) + (lengths[i] ?? 0))}
                    </td>
                    <td>
                      <button
                        type="button"
                        class="secondary outline"
                        onClick={() => update({ periods: form.periods.filter((_, j) => j !== i) })}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>,
                  <tr key={`${p.key}-tracks`} class="mps-tracks-row">
                    <td colSpan={7}>
                      <details>
                        <summary>
                          Tracks of {p.pid || `Period ${i + 1}`}:{' '}
                          {Object.entries(p.tracks)
                            .filter(([, t]) => t.enabled)
                            .map(([id]) => id)
                            .join(', ') || 'none'}
                        </summary>
                        {msg(`${at}.tracks`)}
                        <table class="mps-tracks">
                          <thead>
                            <tr>
                              <th scope="col">Enabled</th>
                              <th scope="col">Track</th>
                              <th scope="col">Role</th>
                              <th scope="col">Language</th>
                              <th scope="col">Encrypted</th>
                            </tr>
                          </thead>
                          <tbody>
                            {tracks.map((t) => {
                              const c = p.tracks[t.trackId] ?? {
                                enabled: false,
                                role: 'main',
                                lang: '',
                                encrypted: false,
                              };
                              const index = Object.entries(p.tracks)
                                .filter(([, x]) => x.enabled)
                                .findIndex(([id]) => Number(id) === t.trackId);
                              const tat = `${at}.tracks[${index}]`;
                              const set = (patch: Partial<TrackChoice>) =>
                                updatePeriod(i, { tracks: { ...p.tracks, [t.trackId]: { ...c, ...patch } } });
                              return (
                                <tr key={t.trackId}>
                                  <td>
                                    <input
                                      type="checkbox"
                                      aria-label={`Track ${t.trackId} enabled`}
                                      checked={c.enabled}
                                      onChange={(e) => set({ enabled: e.currentTarget.checked })}
                                    />
                                  </td>
                                  <td>
                                    {t.trackId} · {t.contentType} · <code>{t.codecs}</code>
                                    {msg(`${tat}.trackId`)}
                                  </td>
                                  <td>
                                    <select
                                      aria-label={`Track ${t.trackId} role`}
                                      value={c.role}
                                      onChange={(e) => set({ role: e.currentTarget.value })}
                                    >
                                      {Object.entries(roles)
                                        .filter(([, types]) => types.includes(t.contentType))
                                        .map(([role]) => (
                                          <option key={role} value={role}>
                                            {role}
                                          </option>
                                        ))}
                                    </select>
                                    {msg(`${tat}.role`)}
                                  </td>
                                  <td>
                                    <input
                                      aria-label={`Track ${t.trackId} language`}
                                      value={c.lang}
                                      placeholder="from the files"
                                      onInput={(e) => set({ lang: e.currentTarget.value })}
                                    />
                                    {msg(`${tat}.lang`)}
                                  </td>
                                  <td>
                                    <input
                                      type="checkbox"
                                      aria-label={`Track ${t.trackId} encrypted`}
                                      checked={c.encrypted}
                                      onChange={(e) => set({ encrypted: e.currentTarget.checked })}
                                    />{' '}
                                    {t.encryptedFiles ? 'encrypted twins' : 'on the fly'}
                                  </td>
                                </tr>
                              );
                            })}
                          </tbody>
                        </table>
                      </details>
                    </td>
                  </tr>,
                ];
              })}
            </tbody>
          </table>
          <button type="button" class="secondary" onClick={addPeriod}>
            Add Period
          </button>
          <details data-testid="mps-options">
            <summary>Options (applied to every request of this stream, before the URL's own)</summary>
            {optionGroups(FORM_OPTIONS.filter((o) => allowed.has(o.name))).map((g) => (
              <details key={g.id} open={g.id === 'general'}>
                <summary>{g.title}</summary>
                {g.options.map((o) => (
                  <OptionField
                    key={o.param}
                    option={o}
                    value={form.options[o.param] ?? o.default}
                    baseline={o.default}
                    support={{ ok: true }}
                    {...(errors[`options.${o.name}`] ? { error: errors[`options.${o.name}`]! } : {})}
                    onChange={(param, v) => update({ options: { ...form.options, [param]: v } })}
                  />
                ))}
              </details>
            ))}
          </details>
          <div class="mps-actions">
            <button type="submit" aria-busy={busy}>
              Save
            </button>
            {current && (
              <button type="button" class="secondary" onClick={() => void remove()}>
                Delete
              </button>
            )}
          </div>
        </fieldset>
      </form>
      {status && (
        <p role="status" data-testid="mps-status">
          {status}
        </p>
      )}
    </Page>
  );
}
