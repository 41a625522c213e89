/**
 * `/inspect` (app.md §7.4): a logged-in user uploads an MP4 (media users may also give a URL, which
 * the server fetches through the validator's address-checked fetcher); the page shows the
 * top-level boxes, the index and error records when the file is fragmented, a segment navigator
 * and the box tree of the whole file or of one fragment. Everything from the file is untrusted
 * text and rendered as text (§15).
 */
import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '../account/api.ts';
import { BoxTreeView } from '../media/BoxTreePage.tsx';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { currentSession, uploadMultipart, type BoxNode } from '../streams/api.ts';
import '../streams/streams.css';
import { boxesOf, deleteInspection, inspectUrl, type Inspection } from './api.ts';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function UploadForm({ csrfToken, onDone }: { csrfToken: string; onDone: (i: Inspection) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!file) {
      setError('Choose an MP4 file.');
      return;
    }
    setError(null);
    setSent(0);
    const upload = uploadMultipart<Inspection>('/api/inspect', file, csrfToken, (n) => setSent(n));
    upload.done
      .then(onDone)
      .catch((err: unknown) => setError(message(err)))
      .finally(() => setSent(null));
  };
  return (
    <form id="inspect-upload" onSubmit={submit}>
      <label>
        MP4 file
        <input
          name="file"
          type="file"
          accept="video/mp4,audio/mp4,.mp4,.m4v,.m4a,.m4s,.cmfv,.cmfa"
          aria-invalid={error ? 'true' : undefined}
          onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
        {error && <small class="field-error">{error}</small>}
      </label>
      {sent !== null && file && <progress value={sent} max={file.size} />}
      <button type="submit" disabled={sent !== null}>
        Upload and inspect
      </button>
    </form>
  );
}

function UrlForm({ onDone }: { onDone: (i: Inspection) => void }) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    inspectUrl(url.trim())
      .then(onDone)
      .catch((err: unknown) => setError(message(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form id="inspect-url" onSubmit={submit}>
      <label>
        Or inspect a URL
        <input
          name="url"
          type="url"
          value={url}
          placeholder="https://example.org/media/video.mp4"
          aria-invalid={error ? 'true' : undefined}
          onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
        />
        {error && <small class="field-error">{error}</small>}
      </label>
      <button type="submit" disabled={busy} aria-busy={busy ? 'true' : undefined}>
        Fetch and inspect
      </button>
    </form>
  );
}

function Result({ inspection, onDeleted }: { inspection: Inspection; onDeleted: () => void }) {
  const segments = inspection.index?.segments ?? [];
  const [segment, setSegment] = useState<number | null>(null);
  const [boxes, setBoxes] = useState<BoxNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setBoxes(null);
    boxesOf(inspection.id, segment)
      .then(setBoxes)
      .catch((e: unknown) => setError(message(e)));
  }, [inspection.id, segment]);
  return (
    <section id="inspection" data-testid="inspection">
      <h2>{inspection.fileName}</h2>
      <p>
        {inspection.size.toLocaleString()} bytes;{' '}
        {inspection.fragmented ? `fragmented, ${segments.length - 1} fragments` : 'not fragmented'}; kept
        until {new Date(inspection.expiresAt).toLocaleString()}.{' '}
        <button
          type="button"
          class="outline secondary"
          id="inspect-delete"
          onClick={() =>
            void deleteInspection(inspection.id)
              .then(onDeleted)
              .catch((e: unknown) => setError(message(e)))
          }
        >
          Delete
        </button>
      </p>
      {inspection.errors.length > 0 && (
        <ul class="file-errors">
          {inspection.errors.map((e, i) => (
            <li key={i} class="file-error">
              {e.severity} {e.reason}: {e.details}
            </li>
          ))}
        </ul>
      )}
      <h3>Top-level boxes</h3>
      <table class="striped" data-testid="top-level">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Offset</th>
            <th scope="col">Size</th>
          </tr>
        </thead>
        <tbody>
          {inspection.topLevel.map((b) => (
            <tr key={b.offset}>
              <td>
                <code>{b.type}</code>
                {b.error && <span class="file-error"> — {b.error}</span>}
              </td>
              <td>{b.offset}</td>
              <td>{b.size}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Box tree</h3>
      <label>
        Show{' '}
        <select
          id="inspect-segment"
          value={segment === null ? 'all' : String(segment)}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            setSegment(v === 'all' ? null : Number(v));
          }}
        >
          <option value="all">the whole file</option>
          {segments.map((s, n) => (
            <option key={n} value={String(n)}>
              {n === 0 ? 'init segment' : `fragment ${n}`} ({s.size} bytes at {s.pos})
            </option>
          ))}
        </select>
      </label>
      {error && <p role="alert">{error}</p>}
      {boxes && (
        <BoxTreeView
          boxes={boxes}
          downloadName={`${inspection.fileName}-${segment === null ? 'boxes' : `segment-${segment}`}.json`}
        />
      )}
    </section>
  );
}

export function InspectPage() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [inspection, setInspection] = useState<Inspection | null>(null);
  useEffect(() => {
    currentSession()
      .then((s) => {
        if (!s.user) location.assign(`/login?next=${encodeURIComponent('/inspect')}`);
        else setSession(s);
      })
      .catch(() => setSession(null));
  }, []);
  useReadyMarker(session !== null);
  return (
    <Page>
      <PageTitle title="Inspect an MP4" />
      {session && (
        <>
          <UploadForm csrfToken={session.csrfToken} onDone={setInspection} />
          {session.permissions.media && <UrlForm onDone={setInspection} />}
        </>
      )}
      {inspection && (
        <Result key={inspection.id} inspection={inspection} onDeleted={() => setInspection(null)} />
      )}
    </Page>
  );
}
