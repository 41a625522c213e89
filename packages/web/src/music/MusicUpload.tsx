/**
 * Upload for the music page (daap.md §11.5): media users add MP3 or M4A files to the library
 * ("Uploads"), one progress bar per file; the share publishes each as a new DAAP revision.
 */
import { useState } from 'preact/hooks';
import { currentSession, uploadMultipart, type Upload } from '../streams/api.ts';
import type { MusicTrack } from './api.ts';
import '../streams/streams.css';

interface Row {
  key: number;
  name: string;
  sent: number;
  size: number;
  state: 'sending' | 'storing' | 'done' | 'failed';
  message: string;
  upload: Upload<MusicTrack> | null;
}

let nextKey = 1;

export function MusicUpload({ onUploaded }: { onUploaded: () => void }) {
  const [rows, setRows] = useState<Row[]>([]);
  const update = (key: number, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const start = async (files: File[]) => {
    const { csrfToken } = await currentSession();
    for (const file of files) {
      const key = nextKey++;
      const upload = uploadMultipart<MusicTrack>('/api/music', file, csrfToken, (sent, total) =>
        update(key, { sent, size: total, state: sent >= total ? 'storing' : 'sending' }),
      );
      setRows((rs) => [
        ...rs,
        { key, name: file.name, sent: 0, size: file.size, state: 'sending', message: '', upload },
      ]);
      upload.done
        .then((t) => {
          update(key, { state: 'done', sent: file.size, message: `Added: ${t.title}` });
          onUploaded();
        })
        .catch((e: unknown) =>
          update(key, { state: 'failed', message: e instanceof Error ? e.message : String(e) }),
        );
    }
  };

  return (
    <details class="music-upload">
      <summary>Upload music</summary>
      <label>
        MP3 or M4A files
        <input
          type="file"
          multiple
          accept=".mp3,.m4a,audio/mpeg,audio/mp4"
          data-testid="music-upload-input"
          onChange={(e) => {
            const input = e.currentTarget;
            void start([...(input.files ?? [])]);
            input.value = '';
          }}
        />
      </label>
      {rows.map((r) => (
        <div key={r.key} class="upload-row" data-upload={r.name} data-state={r.state}>
          <span>{r.name}</span> <progress value={r.state === 'sending' ? r.sent : r.size} max={r.size || 1} />
          <small>
            {r.state === 'sending' && `${Math.round((100 * r.sent) / (r.size || 1))} % sent`}
            {r.state === 'storing' && 'reading tags…'}
            {(r.state === 'done' || r.state === 'failed') && r.message}
          </small>
        </div>
      ))}
    </details>
  );
}
