/**
 * `/validate` (validator.md §8.1): the form, live progress over the websocket (§8.2), the log,
 * the codecs table, the manifest with issue lines highlighted, the issues table, "Download report
 * (JSON)" and, for logged-in media users, "Save this stream to loopcast" (§8.3, SaveForm). The
 * page never starts a run by itself; `?url=` only prefills the form.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getSession } from '../account/api.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { NO_SAVE, SaveForm, type SaveState } from './SaveForm.tsx';
import { CodecsTable } from './CodecsTable.tsx';
import { IssuesTable } from './IssuesTable.tsx';
import { ManifestView, lineId } from './ManifestView.tsx';
import {
  openValidatorSocket,
  reportOf,
  type CodecInfo,
  type FieldErrors,
  type Finished,
  type LogEntry,
  type ManifestDoc,
  type Progress,
  type ServerMessage,
  type ValidationIssue,
  type ValidatorSocket,
} from './socket.ts';
import './validate.css';

const MAX_LOG = 1000;

interface RunState {
  running: boolean;
  progress: Progress | null;
  log: LogEntry[];
  codecs: CodecInfo[];
  manifests: ManifestDoc[];
  issues: ValidationIssue[];
  finished: Finished | null;
  notice: string | null;
}

const EMPTY_RUN: RunState = {
  running: false,
  progress: null,
  log: [],
  codecs: [],
  manifests: [],
  issues: [],
  finished: null,
  notice: null,
};

function apply(state: RunState, m: ServerMessage): RunState {
  switch (m.type) {
    case 'accepted':
      return { ...EMPTY_RUN, running: true };
    case 'progress':
      return { ...state, progress: m };
    case 'log':
      return { ...state, log: [...state.log, ...m.entries].slice(-MAX_LOG) };
    case 'manifest':
      return { ...state, manifests: [...state.manifests.filter((d) => d.refresh !== m.refresh), m] };
    case 'codecs':
      return { ...state, codecs: m.items };
    case 'issue':
      return { ...state, issues: [...state.issues, m.issue] };
    case 'finished':
      return { ...state, running: false, finished: m };
    case 'busy':
      return { ...state, running: false, notice: `The validator is busy; try again in ${m.retryAfter} s.` };
    case 'error':
      return { ...state, running: false, notice: m.message };
    default:
      return state;
  }
}

export function ValidatePage() {
  const initialUrl = new URLSearchParams(location.search).get('url') ?? '';
  const [url, setUrl] = useState(initialUrl);
  const [duration, setDuration] = useState('30');
  const [encrypted, setEncrypted] = useState(false);
  const [media, setMedia] = useState(true);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [run, setRun] = useState<RunState>(EMPTY_RUN);
  const [connected, setConnected] = useState(false);
  const [selectedRefresh, setSelectedRefresh] = useState(0);
  const socket = useRef<ValidatorSocket | null>(null);
  const lastOptions = useRef({ url: '', duration: 30, encrypted: false, media: true });
  const logBox = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const [canSave, setCanSave] = useState(false);
  const [save, setSave] = useState<SaveState>(NO_SAVE);

  useEffect(() => {
    // §8.1: the save form only for logged-in media users (the server checks again on `save`)
    getSession()
      .then((s) => setCanSave(s.permissions.media && !s.mustChange))
      .catch(() => setCanSave(false));
  }, []);

  useEffect(() => {
    const s = openValidatorSocket(
      (m) => {
        if (m.type === 'saveProgress') return setSave((v) => ({ ...v, progress: m }));
        if (m.type === 'saved') return setSave({ busy: false, progress: null, saved: m });
        if (m.type === 'error' || m.type === 'fieldErrors') setSave((v) => ({ ...v, busy: false }));
        if (m.type === 'fieldErrors') {
          setFieldErrors(m.fields);
          setRun((r) => ({ ...r, running: false }));
          return;
        }
        if (m.type === 'manifest') setSelectedRefresh((cur) => (m.refresh === 0 ? 0 : cur));
        setRun((r) => apply(r, m));
      },
      () => setConnected(true),
      (code) => {
        setConnected(false);
        setRun((r) => ({
          ...r,
          running: false,
          notice:
            code === 1000
              ? r.notice
              : `The connection to the validator closed (code ${code}); reload the page.`,
        }));
      },
    );
    socket.current = s;
    return () => s.close();
  }, []);
  useReadyMarker(connected);

  useEffect(() => {
    const box = logBox.current;
    if (box && stickToBottom.current) box.scrollTop = box.scrollHeight;
  }, [run.log]);

  const start = (e: Event) => {
    e.preventDefault();
    setFieldErrors({});
    const options = { url: url.trim(), duration: Number(duration), encrypted, media };
    lastOptions.current = options;
    setRun({ ...EMPTY_RUN, running: true });
    setSave(NO_SAVE);
    setSelectedRefresh(0);
    socket.current?.send({ type: 'start', ...options });
  };
  const cancel = () => socket.current?.send({ type: 'cancel' });

  const showManifest = (issue: ValidationIssue) => {
    if (issue.location.kind !== 'manifest') return;
    setSelectedRefresh(issue.refresh);
    const line = issue.location.line;
    setTimeout(
      () => document.getElementById(lineId(issue.refresh, line))?.scrollIntoView({ block: 'center' }),
      0,
    );
  };

  const downloadReport = () => {
    if (!run.finished) return;
    const o = lastOptions.current;
    const report = reportOf({
      url: o.url,
      options: { duration: o.duration, encrypted: o.encrypted, media: o.media, concurrency: 4 },
      finished: run.finished,
      codecs: run.codecs,
      issues: run.issues,
      manifests: run.manifests,
    });
    const blob = new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'validation-report.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  const p = run.progress;
  const errors = run.issues.filter((i) => i.severity === 'error').length;
  const warnings = run.issues.filter((i) => i.severity === 'warning').length;
  const percent = p && p.total > 0 ? Math.round((100 * p.done) / p.total) : run.finished ? 100 : 0;

  return (
    <Page>
      <PageTitle title="Validate a DASH stream" />
      <form id="validate-form" onSubmit={start} noValidate>
        <label>
          Manifest URL
          <input
            name="url"
            type="url"
            required
            value={url}
            placeholder="https://example.org/stream/manifest.mpd"
            aria-invalid={fieldErrors.url ? 'true' : undefined}
            onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
          />
          {fieldErrors.url && <small class="field-error">{fieldErrors.url}</small>}
        </label>
        <div class="grid">
          <label>
            Duration (seconds)
            <input
              name="duration"
              type="number"
              min="1"
              value={duration}
              aria-invalid={fieldErrors.duration ? 'true' : undefined}
              onInput={(e) => setDuration((e.target as HTMLInputElement).value)}
            />
            {fieldErrors.duration && <small class="field-error">{fieldErrors.duration}</small>}
          </label>
          <label class="checkbox">
            <input
              name="encrypted"
              type="checkbox"
              checked={encrypted}
              onChange={() => setEncrypted(!encrypted)}
            />
            Stream is encrypted
          </label>
          <label class="checkbox">
            <input name="media" type="checkbox" checked={media} onChange={() => setMedia(!media)} />
            Check media segments
          </label>
        </div>
        <div class="buttons">
          <button id="validate-start" type="submit" disabled={!connected || run.running}>
            Validate
          </button>
          <button
            id="validate-cancel"
            type="button"
            class="secondary"
            disabled={!run.running}
            onClick={cancel}
          >
            Cancel
          </button>
        </div>
      </form>
      {run.notice && (
        <p id="validate-notice" role="alert" class="notice">
          {run.notice}
        </p>
      )}
      {(run.running || run.finished || p) && (
        <section id="progress">
          <progress value={percent} max={100} />
          <p id="progress-text">
            <span class="phase">{run.finished ? 'done' : (p?.phase ?? 'starting')}</span>{' '}
            {run.finished ? (run.finished.aborted ? 'cancelled' : 'finished') : (p?.text ?? '')}
            {' · '}
            <span id="error-count">{errors}</span> errors, <span id="warning-count">{warnings}</span> warnings
          </p>
        </section>
      )}
      {run.finished && (
        <section id="finished">
          <p id="summary">
            {run.finished.summary.manifests} manifests, {run.finished.summary.initSegments} init and{' '}
            {run.finished.summary.mediaSegments} media segments checked:{' '}
            <strong>
              {run.finished.summary.errors} errors, {run.finished.summary.warnings} warnings
            </strong>
            {run.finished.aborted ? ' (cancelled)' : ''}
          </p>
          <button id="download-report" type="button" class="outline" onClick={downloadReport}>
            Download report (JSON)
          </button>
        </section>
      )}
      {run.finished && canSave && (
        <SaveForm
          state={save}
          fieldErrors={fieldErrors}
          onSave={(directory, title) => {
            setFieldErrors({});
            setRun((r) => ({ ...r, notice: null }));
            setSave({ busy: true, progress: null, saved: null });
            socket.current?.send({ type: 'save', directory, title });
          }}
        />
      )}
      {run.log.length > 0 && (
        <section id="log-section">
          <h2>Log</h2>
          <div
            id="log"
            class="log"
            ref={logBox}
            onScroll={(e) => {
              const box = e.currentTarget;
              stickToBottom.current = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
            }}
          >
            {run.log.map((entry, i) => (
              <div key={i} class={`log-line ${entry.level}`}>
                <span class="muted">{entry.at.slice(11, 19)}</span> {entry.text}
              </div>
            ))}
          </div>
        </section>
      )}
      <CodecsTable items={run.codecs} />
      {run.issues.length > 0 && <IssuesTable issues={run.issues} onShowManifest={showManifest} />}
      {run.manifests.length > 0 && (
        <ManifestView
          manifests={[...run.manifests].sort((a, b) => a.refresh - b.refresh)}
          selected={selectedRefresh}
          onSelect={setSelectedRefresh}
          issues={run.issues}
        />
      )}
    </Page>
  );
}
