/**
 * `/streams/{directory}` (app.md §9.2): the stream's edit form (title; directory only while empty;
 * licence URLs; timing reference from the indexed files), its media files with their error records
 * and actions, the upload area (several files, drag and drop, one progress bar per file: bytes
 * sent, then "indexing", then the result; cancel), and delete with a confirmation listing what goes.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiRequestError, type SessionInfo } from '../account/api.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import './streams.css';
import {
  change,
  currentSession,
  formatBitrate,
  formatSeconds,
  getJson,
  streamUrl,
  type MediaFile,
  type Stream,
} from './api.ts';
import { UploadRows, useUploads } from './uploads.tsx';

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function EditForm({ stream, onSaved }: { stream: Stream; onSaved: (s: Stream) => void }) {
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const files = stream.files ?? [];
  const indexed = files.filter((f) => f.indexState === 'indexed');

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(form.get(k) ?? '').trim();
    const body: Record<string, unknown> = {
      title: text('title'),
      marlinLaUrl: text('marlinLaUrl') || null,
      playreadyLaUrl: text('playreadyLaUrl') || null,
      timingReference: text('timingReference') || null,
    };
    if (files.length === 0 && text('directory') !== stream.directory) body.directory = text('directory');
    setError(null);
    setSaved(false);
    try {
      const updated = await change<Stream>('PATCH', streamUrl(stream.directory), body);
      setSaved(true);
      if (updated.directory !== stream.directory) location.assign(`/streams/${updated.directory}`);
      else onSaved(updated);
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.failure : { message: messageOf(err) });
    }
  };
  const invalid = (field: string) => (error?.field === field ? true : undefined);

  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Stream settings">
      <div class="grid">
        <label>
          Title
          <input name="title" required maxLength={120} value={stream.title} aria-invalid={invalid('title')} />
        </label>
        <label>
          Directory
          <input
            name="directory"
            value={stream.directory}
            readOnly={files.length > 0}
            pattern="[A-Za-z0-9]{3,30}"
            aria-invalid={invalid('directory')}
          />
          {files.length > 0 && <small>The directory can change only while the stream has no files.</small>}
        </label>
      </div>
      <div class="grid">
        <label>
          Marlin licence URL
          <input name="marlinLaUrl" value={stream.marlinLaUrl ?? ''} aria-invalid={invalid('marlinLaUrl')} />
        </label>
        <label>
          PlayReady licence URL
          <input
            name="playreadyLaUrl"
            value={stream.playreadyLaUrl ?? ''}
            aria-invalid={invalid('playreadyLaUrl')}
          />
        </label>
      </div>
      <label>
        Timing reference
        <select
          name="timingReference"
          aria-invalid={invalid('timingReference')}
          data-testid="timing-reference"
        >
          <option value="">(none)</option>
          {indexed.map((f) => (
            <option key={f.id} value={f.name} selected={stream.timingReference?.fileId === f.id}>
              {f.name} ({f.contentType ?? '?'})
            </option>
          ))}
        </select>
      </label>
      {error && <p role="alert">{error.message}</p>}
      {saved && <p role="status">Saved.</p>}
      <button type="submit">Save</button>
    </form>
  );
}

function FilesTable({ stream, media, onChanged }: { stream: Stream; media: boolean; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const files = stream.files ?? [];
  const act = async (method: 'POST' | 'DELETE', url: string) => {
    setError(null);
    try {
      await change(method, url);
      onChanged();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const base = `/streams/${encodeURIComponent(stream.directory)}/files`;
  if (files.length === 0) return <p>No media files yet.</p>;
  return (
    <figure>
      {error && <p role="alert">{error}</p>}
      <table class="striped" data-testid="files-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Codecs</th>
            <th scope="col">Bitrate</th>
            <th scope="col">Track</th>
            <th scope="col">Language</th>
            <th scope="col">Encrypted</th>
            <th scope="col">Segments</th>
            <th scope="col">Duration</th>
            <th scope="col">Index</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.id} data-file={f.name}>
              <td>
                <a href={`${base}/${encodeURIComponent(f.name)}`}>{f.name}</a>
              </td>
              <td>{f.contentType ?? ''}</td>
              <td>{f.codecs ?? ''}</td>
              <td>{formatBitrate(f.bitrate)}</td>
              <td>{f.trackId ?? ''}</td>
              <td>{f.language ?? ''}</td>
              <td>{f.encrypted ? 'yes' : 'no'}</td>
              <td>
                {f.numSegments !== null && (
                  <a href={`${base}/${encodeURIComponent(f.name)}/segments`}>{f.numSegments}</a>
                )}
              </td>
              <td>{formatSeconds(f.durationSeconds)}</td>
              <td>
                {f.indexState}
                {f.errors.map((e) => (
                  <div key={e.reason} class={e.severity === 'error' ? 'file-error' : 'file-warning'}>
                    <small>
                      {e.reason}: {e.details}
                    </small>
                  </div>
                ))}
              </td>
              <td>
                {media && (
                  <>
                    <a href={`${base}/${encodeURIComponent(f.name)}/edit`}>Edit</a>{' '}
                    <button
                      type="button"
                      class="secondary outline"
                      onClick={() => void act('POST', `/api/files/${f.id}/index`)}
                    >
                      Re-index
                    </button>{' '}
                    <button
                      type="button"
                      class="secondary outline"
                      onClick={() => {
                        if (confirm(`Delete ${f.fileName}?`)) void act('DELETE', `/api/files/${f.id}`);
                      }}
                    >
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Which adaptation sets the stream offers, clear and encrypted, by content type (§9.2). */
function AdaptationSummary({ files }: { files: MediaFile[] }) {
  const usable = files.filter((f) => f.indexState === 'indexed' && f.contentType);
  if (!usable.length) return null;
  const types = [...new Set(usable.map((f) => f.contentType!))].sort();
  return (
    <table data-testid="adaptation-summary">
      <thead>
        <tr>
          <th scope="col">Content</th>
          <th scope="col">Clear</th>
          <th scope="col">Encrypted</th>
        </tr>
      </thead>
      <tbody>
        {types.map((t) => {
          const of = (enc: boolean) =>
            usable
              .filter((f) => f.contentType === t && f.encrypted === enc)
              .map((f) => f.name)
              .join(', ') || '—';
          return (
            <tr key={t}>
              <td>{t}</td>
              <td>{of(false)}</td>
              <td>{of(true)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function UploadArea({ stream, onUploaded }: { stream: Stream; onUploaded: () => void }) {
  const [over, setOver] = useState(false);
  const { rows, start } = useUploads<MediaFile>(
    `${streamUrl(stream.directory)}/files`,
    (f) => {
      const errors = f.errors.map((e) => `${e.reason}: ${e.details}`).join('; ');
      return errors ? `Indexed with ${errors}` : `Indexed: ${f.numSegments ?? 0} segments`;
    },
    onUploaded,
  );

  return (
    <section
      aria-labelledby="upload-title"
      class={over ? 'upload-area drag-over' : 'upload-area'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void start([...(e.dataTransfer?.files ?? [])]);
      }}
    >
      <h2 id="upload-title">Upload media files</h2>
      <label>
        Fragmented MP4 files (or drop them here)
        <input
          type="file"
          multiple
          accept=".mp4,.m4v,.m4a,.m4s,.cmfv,.cmfa,.cmft"
          data-testid="upload-input"
          onChange={(e) => {
            const input = e.currentTarget;
            void start([...(input.files ?? [])]);
            input.value = '';
          }}
        />
      </label>
      <UploadRows rows={rows} processing="indexing…" />
    </section>
  );
}

export function StreamPage({ match }: { match: RegExpExecArray }) {
  const directory = decodeURIComponent(match[1]!);
  const [stream, setStream] = useState<Stream | null>(null);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    getJson<Stream>(streamUrl(directory))
      .then(setStream)
      .catch((e: unknown) => setError(messageOf(e)));
  useEffect(() => {
    void load();
    currentSession()
      .then(setSession)
      .catch(() => undefined);
  }, [directory]);
  useReadyMarker(stream !== null || error !== null);
  const media = session?.permissions.media ?? false;

  const remove = async () => {
    if (!stream) return;
    const files = (stream.files ?? []).map((f) => f.fileName).join(', ') || 'no files';
    if (!confirm(`Delete the stream ${stream.title} and its media files (${files})?`)) return;
    try {
      await change('DELETE', streamUrl(directory));
      location.assign('/streams');
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <Page>
      <PageTitle title={stream?.title ?? directory} crumbs={[{ label: 'Streams', href: '/streams' }]} />
      {error && <p role="alert">{error}</p>}
      {stream && (
        <>
          <p>
            <a href={`/play/vod/${encodeURIComponent(directory)}/hand_made`}>Play</a> ·{' '}
            <a href={`/streams/${encodeURIComponent(directory)}/defaults`}>Option defaults</a>
          </p>
          {media && <EditForm stream={stream} onSaved={(s) => setStream(s)} />}
          <h2>Media files</h2>
          <FilesTable stream={stream} media={media} onChanged={() => void load()} />
          <AdaptationSummary files={stream.files ?? []} />
          {media && <UploadArea stream={stream} onUploaded={() => void load()} />}
          {media && (
            <p>
              <button type="button" class="contrast" onClick={() => void remove()}>
                Delete stream
              </button>
            </p>
          )}
        </>
      )}
    </Page>
  );
}
