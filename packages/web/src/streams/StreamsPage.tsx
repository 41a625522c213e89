/**
 * `/streams` and `/streams/.add` (app.md §9.2): the streams table (title, directory, files,
 * duration, timing reference, build and play links) and, for media users, "Add stream" and
 * "Create upload token" (the token shown once, with a ready-to-paste `loopcast upload` line).
 */
import { useState } from 'preact/hooks';
import { ApiRequestError, type SessionInfo } from '../account/api.ts';
import { useResource } from '../resource.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import './streams.css';
import { change, currentSession, formatSeconds, getJson, type Stream } from './api.ts';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function UploadToken() {
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setError(null);
    try {
      const res = await change<{ token: string }>('POST', '/api/tokens', {
        kind: 'upload',
        description: 'loopcast upload',
      });
      setToken(res.token);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <section aria-labelledby="token-title">
      <h2 id="token-title">Upload token</h2>
      <p>A token for the upload and download commands, limited to adding streams, keys and files.</p>
      <button type="button" class="secondary" onClick={() => void create()}>
        Create upload token
      </button>
      {error && <p role="alert">{error}</p>}
      {token && (
        <div data-testid="upload-token">
          <p>This token is shown once; copy it now.</p>
          <pre>
            <code>{`npx loopcast upload --host ${location.origin} --token ${token} streams.json`}</code>
          </pre>
        </div>
      )}
    </section>
  );
}

/** The streams and who is looking, fetched together so the table and the media links show at once. */
const loadStreams = async (): Promise<{ streams: Stream[]; session: SessionInfo }> => {
  const [streams, session] = await Promise.all([getJson<Stream[]>('/api/streams'), currentSession()]);
  return { streams, session };
};

export function StreamsPage() {
  const { value, error } = useResource(loadStreams, {
    errorText: (e) => `Could not load the streams: ${messageOf(e)}`,
  });
  const streams = value?.streams ?? null;
  const media = value?.session.permissions.media ?? false;

  return (
    <Page>
      <PageTitle title="Streams" />
      {error && <p role="alert">{error}</p>}
      {media && (
        <p>
          <a href="/streams/.add" role="button">
            Add stream
          </a>
        </p>
      )}
      {streams && streams.length === 0 && <p>There are no streams yet.</p>}
      {streams && streams.length > 0 && (
        <figure>
          <table class="striped" data-testid="streams-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Directory</th>
                <th scope="col">Files</th>
                <th scope="col">Duration</th>
                <th scope="col">Timing reference</th>
                <th scope="col">Links</th>
              </tr>
            </thead>
            <tbody>
              {streams.map((s) => (
                <tr key={s.directory}>
                  <td>
                    <a href={`/streams/${encodeURIComponent(s.directory)}`}>{s.title}</a>
                  </td>
                  <td>
                    <code>{s.directory}</code>
                  </td>
                  <td>{s.fileCount}</td>
                  <td>{formatSeconds(s.durationSeconds)}</td>
                  <td>{s.timingReference?.name ?? '—'}</td>
                  <td>
                    <a href={`/?stream=${encodeURIComponent(s.directory)}`}>Build</a>{' '}
                    <a href={`/play/vod/${encodeURIComponent(s.directory)}/hand_made`}>Play</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </figure>
      )}
      {media && <UploadToken />}
    </Page>
  );
}

export function AddStreamPage() {
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useReadyMarker(true);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    const body: Record<string, string> = { directory: text('directory'), title: text('title') };
    if (text('marlinLaUrl')) body.marlinLaUrl = text('marlinLaUrl');
    if (text('playreadyLaUrl')) body.playreadyLaUrl = text('playreadyLaUrl');
    setBusy(true);
    try {
      const stream = await change<Stream>('POST', '/api/streams', body);
      location.assign(`/streams/${encodeURIComponent(stream.directory)}`);
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.failure : { message: messageOf(err) });
      setBusy(false);
    }
  };
  const invalid = (field: string) => (error?.field === field ? true : undefined);

  return (
    <Page>
      <PageTitle title="Add stream" crumbs={[{ label: 'Streams', href: '/streams' }]} />
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Directory
          <input
            name="directory"
            required
            pattern="[A-Za-z0-9]{3,30}"
            aria-invalid={invalid('directory')}
            aria-describedby="directory-help"
          />
          <small id="directory-help">3–30 letters and digits; part of every URL of the stream.</small>
        </label>
        <label>
          Title
          <input name="title" required maxLength={120} aria-invalid={invalid('title')} />
        </label>
        <label>
          Marlin licence URL
          <input name="marlinLaUrl" placeholder="ms3://…" aria-invalid={invalid('marlinLaUrl')} />
        </label>
        <label>
          PlayReady licence URL
          <input name="playreadyLaUrl" placeholder="https://…" aria-invalid={invalid('playreadyLaUrl')} />
        </label>
        {error && <p role="alert">{error.message}</p>}
        <button type="submit" aria-busy={busy}>
          Add stream
        </button>
      </form>
    </Page>
  );
}
