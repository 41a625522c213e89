/**
 * Home page: the stream and option builder (app.md §9.3). The user picks a stream, a template and
 * a mode and sets options; the page writes the manifest URL with only the options that differ from
 * the baseline (registry default overlaid with the stream's stored defaults, which the server
 * applies first), checks it against the server, and links to the MPD and the player page.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  FORM_OPTIONS,
  OPTION_BY_PARAM,
  TEMPLATES,
  baselineValues,
  differingQuery,
  fieldKind,
  isPlayerOption,
  manifestUrl,
  optionGroups,
  playPath,
  streamDefaultValues,
  templateModes,
  templateSupport,
  type Mode,
  type OptionValues,
  type StreamChoice,
} from '../registry.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { OptionField } from './OptionField.tsx';
import { useManifestCheck, type ManifestCheck } from './ManifestCheck.tsx';
import { MpdViewer } from './MpdViewer.tsx';
import { MPS_MODES, MPS_PREFIX, MPS_TEMPLATE, mpsNameOf, playedPath } from './paths.ts';
import './builder.css';

export interface StreamFile {
  name: string;
  contentType: string | null;
  codecs: string | null;
  bitrate: number | null;
  language: string | null;
}

export interface StreamSummary {
  directory: string;
  title: string;
  timingReference: { fileId: number; name: string } | null;
  defaults: Record<string, unknown>;
  files: StreamFile[];
}

const STORAGE_KEY = 'loopcast.home';

/** `?a=1&b=2` of the manifest options that differ from the baseline, or '' (§9.3 output). */
const query = (values: OptionValues, baseline: OptionValues): string => {
  const q = differingQuery(values, baseline, (o) => !isPlayerOption(o));
  return q ? `?${q}` : '';
};

interface Stored {
  stream?: string;
  manifest?: string;
  mode?: Mode;
  /** By short option name, as dash-live's UI kept them. */
  options?: Record<string, string>;
}

function loadStored(): Stored {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Stored) : {};
  } catch {
    return {};
  }
}

/** Stored values for options that no longer exist, or outside a closed set, are dropped. */
function restoredValues(stored: Stored, baseline: OptionValues): OptionValues {
  const out = { ...baseline };
  for (const o of FORM_OPTIONS) {
    const v = stored.options?.[o.shortName];
    if (typeof v !== 'string') continue;
    const kind = fieldKind(o);
    if (kind.kind === 'bool' && v !== '0' && v !== '1') continue;
    if (kind.kind === 'select' && !kind.values.includes(v)) continue;
    out[o.param] = v;
  }
  return out;
}

function saveStored(choice: StreamChoice, values: OptionValues, baseline: OptionValues): void {
  const options: Record<string, string> = {};
  for (const o of FORM_OPTIONS) {
    const v = values[o.param];
    if (v !== undefined && v !== baseline[o.param]) options[o.shortName] = v;
  }
  const stored: Stored = { stream: choice.stream, manifest: choice.template, mode: choice.mode, options };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  } catch {
    // Private windows may refuse storage; the builder still works without it.
  }
}

interface MpsSummary {
  name: string;
  title: string;
  durationSeconds: number;
  periodCount: number;
}

/** A multi-period stream in the builder's one list (app.md §9.3), keyed `mps:{name}`. */
const mpsEntry = (m: MpsSummary): StreamSummary => ({
  directory: `${MPS_PREFIX}${m.name}`,
  title: m.title,
  // Its periods carry their sources' timing references; the server refuses it if one lacks it.
  timingReference: { fileId: 0, name: `${m.periodCount} periods, ${Math.round(m.durationSeconds)} s` },
  defaults: {},
  files: [],
});

async function getList<T>(url: string): Promise<T[]> {
  const r = await fetch(url, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: the server answered ${r.status}`);
  return (await r.json()) as T[];
}

export function BuilderPage() {
  const [streams, setStreams] = useState<StreamSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([
      getList<StreamSummary>('/api/streams?files=1'),
      // Multi-period streams are optional here: a server without them still builds normal streams.
      getList<MpsSummary>('/api/multi-period-streams').catch(() => []),
    ])
      .then(([normal, mps]) => setStreams([...normal, ...mps.map(mpsEntry)]))
      .catch((e: unknown) => setLoadError(`Could not load the streams: ${String(e)}`));
  }, []);

  useReadyMarker(streams !== null || loadError !== null);

  return (
    <Page>
      <PageTitle title="Stream builder" />
      {loadError && <p role="alert">{loadError}</p>}
      {streams === null && !loadError && <p aria-busy="true">Loading streams…</p>}
      {streams !== null && streams.length === 0 && (
        <p>
          The library has no streams yet. Add one on the <a href="/streams">streams page</a> or with{' '}
          <code>npx loopcast upload</code>.
        </p>
      )}
      {streams !== null && streams.length > 0 && <Builder streams={streams} />}
    </Page>
  );
}

function Builder({ streams }: { streams: StreamSummary[] }) {
  const stored = useMemo(loadStored, []);
  const firstTemplate = TEMPLATES[0]!;
  const [choice, setChoice] = useState<StreamChoice>(() => {
    // `/?stream=DIR` (the streams page's Build link) wins over the remembered choice.
    const asked = new URLSearchParams(location.search).get('stream');
    const stream =
      streams.find((s) => s.directory === asked) ??
      streams.find((s) => s.directory === stored.stream) ??
      streams[0]!;
    const template = TEMPLATES.find((t) => t.name === stored.manifest) ?? firstTemplate;
    const modes = templateModes(template);
    const mode = stored.mode && modes.includes(stored.mode) ? stored.mode : modes[0]!;
    return { stream: stream.directory, template: template.name, mode };
  });
  const stream = streams.find((s) => s.directory === choice.stream) ?? streams[0]!;
  const template = TEMPLATES.find((t) => t.name === choice.template) ?? firstTemplate;
  const baseline = useMemo(() => baselineValues(streamDefaultValues(stream.defaults)), [stream]);
  const [values, setValues] = useState<OptionValues>(() => restoredValues(stored, baseline));

  // A new stream brings its own stored defaults: options left at the old baseline follow it.
  const previousBaseline = useRef(baseline);
  useEffect(() => {
    const before = previousBaseline.current;
    previousBaseline.current = baseline;
    if (before === baseline) return;
    setValues((v) => {
      const next = { ...v };
      for (const p of Object.keys(baseline)) if (v[p] === before[p]) next[p] = baseline[p]!;
      return next;
    });
  }, [baseline]);

  useEffect(() => saveStored(choice, values, baseline), [choice, values, baseline]);

  const origin = location.origin;
  const mpsName = mpsNameOf(choice.stream);
  const url = mpsName
    ? `${origin}${playedPath(`mps-${choice.mode}`, mpsName, choice.template)}${query(values, baseline)}`
    : manifestUrl(origin, choice, values, baseline);
  /** What the player page is asked to play: `mps-live`/`mps-vod` for multi-period streams. */
  const playChoice: StreamChoice = mpsName
    ? { ...choice, stream: mpsName, mode: `mps-${choice.mode}` as Mode }
    : choice;
  const check = useManifestCheck(stream.timingReference ? url : null);

  const setOption = (param: string, value: string) => setValues((v) => ({ ...v, [param]: value }));
  const pickTemplate = (name: string) => {
    const t = TEMPLATES.find((x) => x.name === name) ?? firstTemplate;
    const modes = templateModes(t);
    setChoice((c) => ({ ...c, template: t.name, mode: modes.includes(c.mode) ? c.mode : modes[0]! }));
  };
  const pickStream = (value: string) =>
    setChoice((c) =>
      mpsNameOf(value)
        ? { stream: value, template: MPS_TEMPLATE, mode: MPS_MODES.includes(c.mode) ? c.mode : MPS_MODES[0]! }
        : { ...c, stream: value },
    );
  const allowedModes = mpsName
    ? templateModes(template).filter((m) => MPS_MODES.includes(m))
    : templateModes(template);
  const groups = useMemo(() => optionGroups(), []);

  return (
    <>
      <section aria-labelledby="choice-heading">
        <h2 id="choice-heading" class="visually-hidden">
          Stream, template and mode
        </h2>
        <div class="grid choice-grid">
          <label>
            Stream
            <select name="stream" value={choice.stream} onChange={(e) => pickStream(e.currentTarget.value)}>
              <optgroup label="Streams">
                {streams
                  .filter((s) => !mpsNameOf(s.directory))
                  .map((s) => (
                    <option key={s.directory} value={s.directory}>
                      {s.title} ({s.directory})
                    </option>
                  ))}
              </optgroup>
              {streams.some((s) => mpsNameOf(s.directory)) && (
                <optgroup label="Multi-period streams">
                  {streams
                    .filter((s) => mpsNameOf(s.directory))
                    .map((s) => (
                      <option key={s.directory} value={s.directory}>
                        {s.title} ({mpsNameOf(s.directory)})
                      </option>
                    ))}
                </optgroup>
              )}
            </select>
          </label>
          <label>
            Template
            <select
              name="template"
              value={choice.template}
              onChange={(e) => pickTemplate(e.currentTarget.value)}
            >
              {TEMPLATES.map((t) => (
                <option key={t.name} value={t.name} disabled={mpsName !== null && t.name !== MPS_TEMPLATE}>
                  {t.title} ({t.name})
                </option>
              ))}
            </select>
          </label>
          <fieldset class="mode-choice">
            <legend>Mode</legend>
            {(['live', 'vod', 'odvod'] as const).map((m) => {
              const allowed = allowedModes.includes(m);
              return (
                <label key={m} title={allowed ? undefined : `${template.title} has no ${m} mode`}>
                  <input
                    type="radio"
                    name="mode"
                    value={m}
                    checked={choice.mode === m}
                    disabled={!allowed}
                    onChange={() => setChoice((c) => ({ ...c, mode: m }))}
                  />
                  {m}
                </label>
              );
            })}
          </fieldset>
        </div>
        <StreamSummaryLine stream={stream} />
      </section>

      <ManifestOutput
        url={url}
        choice={playChoice}
        values={values}
        baseline={baseline}
        check={check}
        onReset={() => setValues(baseline)}
        playable={stream.timingReference !== null}
      />

      <section aria-labelledby="options-heading" class="options">
        <h2 id="options-heading">Options</h2>
        {groups.map((g) => (
          <details key={g.id} open={g.id === 'general'} class="option-group">
            <summary>
              {g.title}
              <OptionCount params={g.options.map((o) => o.param)} values={values} baseline={baseline} />
            </summary>
            <div class="option-grid">
              {g.options.map((o) => (
                <OptionField
                  key={o.param}
                  option={o}
                  value={values[o.param] ?? o.default}
                  baseline={baseline[o.param] ?? o.default}
                  support={templateSupport(template, o)}
                  error={check.fields[o.param]}
                  onChange={setOption}
                />
              ))}
            </div>
          </details>
        ))}
      </section>
    </>
  );
}

/** How many options of a group differ from the baseline, so closed groups still show changes. */
function OptionCount(props: { params: string[]; values: OptionValues; baseline: OptionValues }) {
  const n = props.params.filter((p) => props.values[p] !== props.baseline[p]).length;
  return n ? <span class="changed-count"> · {n} changed</span> : null;
}

function StreamSummaryLine({ stream }: { stream: StreamSummary }) {
  if (mpsNameOf(stream.directory)) {
    return (
      <p class="stream-summary">
        <small>
          Multi-period stream: {stream.timingReference?.name}. <a href="/multi-period-streams">Edit it</a>.
        </small>
      </p>
    );
  }
  const kinds = ['video', 'audio', 'text']
    .map((k) => {
      const n = stream.files.filter((f) => f.contentType === k).length;
      return n ? `${n} ${k}` : null;
    })
    .filter(Boolean)
    .join(', ');
  return (
    <p class="stream-summary">
      <small>
        {stream.files.length} media files{kinds ? ` (${kinds})` : ''}.{' '}
        {stream.timingReference ? (
          <>Timing reference: {stream.timingReference.name}.</>
        ) : (
          <strong>This stream has no timing reference yet, so it cannot be played.</strong>
        )}
      </small>
    </p>
  );
}

function ManifestOutput(props: {
  url: string;
  choice: StreamChoice;
  values: OptionValues;
  baseline: OptionValues;
  check: ManifestCheck;
  playable: boolean;
  onReset: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.url);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Without clipboard access the URL stays selectable in the output box.
      (document.getElementById('manifest-url') as HTMLInputElement | null)?.select();
    }
  };
  const play = (player: string) => playPath(props.choice, props.values, props.baseline, player);
  const changed = Object.keys(props.values).filter(
    (p) => props.values[p] !== props.baseline[p] && OPTION_BY_PARAM.has(p),
  ).length;
  return (
    <section class="manifest-output" aria-labelledby="output-heading">
      <h2 id="output-heading">Manifest URL</h2>
      <div role="group">
        <input id="manifest-url" type="text" readOnly value={props.url} aria-label="Manifest URL" />
        <button type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <ManifestCheckLine check={props.check} />
      <p class="actions">
        <a href={props.url} target="_blank" rel="noopener" role="button" class="secondary outline">
          Open MPD
        </a>
        <a
          href={`/validate?url=${encodeURIComponent(props.url)}`}
          role="button"
          class="secondary outline"
          id="validate-url"
        >
          Validate
        </a>
        {props.playable && (
          <>
            <a href={play('dashjs')} role="button" id="play-dashjs">
              Play with dash.js
            </a>
            <a href={play('shaka')} role="button" id="play-shaka">
              Play with Shaka
            </a>
            <a href={play('native')} role="button" class="secondary outline">
              Native player
            </a>
          </>
        )}
        <button type="button" class="secondary outline" disabled={changed === 0} onClick={props.onReset}>
          Reset to defaults
        </button>
      </p>
      {props.check.text && <MpdViewer url={props.url} text={props.check.text} />}
    </section>
  );
}

function ManifestCheckLine({ check }: { check: ManifestCheck }) {
  if (check.state === 'idle') return null;
  if (check.state === 'checking')
    return (
      <p class="check" aria-busy="true">
        Checking the manifest…
      </p>
    );
  return (
    <p class={`check ${check.state}`} role={check.state === 'error' ? 'alert' : 'status'}>
      {check.message}
    </p>
  );
}
