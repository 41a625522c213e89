/**
 * Uploads with one progress bar per file (app.md §5.2, §9.2; daap.md §11.5): bytes sent, then the
 * server's own step ("indexing…", "reading tags…") until it answers, then the result or its error;
 * cancel while under way. Shared by the stream page and the music page.
 */
import { useState } from 'preact/hooks';
import { currentSession, uploadMultipart, type Upload } from './api.ts';

export interface UploadRow {
  key: number;
  name: string;
  size: number;
  sent: number;
  state: 'sending' | 'processing' | 'done' | 'failed';
  message: string;
  upload: Upload<unknown> | null;
}

let nextKey = 1;

/** Upload state for a list of files posted to `url`; `describe` turns an answer into the row's note. */
export function useUploads<T>(url: string, describe: (answer: T) => string, onDone: () => void) {
  const [rows, setRows] = useState<UploadRow[]>([]);
  const update = (key: number, patch: Partial<UploadRow>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const start = async (files: File[]) => {
    const { csrfToken } = await currentSession();
    for (const file of files) {
      const key = nextKey++;
      const upload = uploadMultipart<T>(url, file, csrfToken, (sent, total) =>
        update(key, { sent, size: total, state: sent >= total ? 'processing' : 'sending' }),
      );
      setRows((rs) => [
        ...rs,
        { key, name: file.name, size: file.size, sent: 0, state: 'sending', message: '', upload },
      ]);
      upload.done
        .then((answer) => {
          update(key, { state: 'done', sent: file.size, message: describe(answer) });
          onDone();
        })
        .catch((e: unknown) =>
          update(key, { state: 'failed', message: e instanceof Error ? e.message : String(e) }),
        );
    }
  };
  return { rows, start };
}

export function UploadRows({ rows, processing }: { rows: UploadRow[]; processing: string }) {
  return (
    <>
      {rows.map((r) => (
        <div key={r.key} class="upload-row" data-upload={r.name} data-state={r.state}>
          <span>{r.name}</span> <progress value={r.state === 'sending' ? r.sent : r.size} max={r.size || 1} />
          <small>
            {r.state === 'sending' && `${Math.round((100 * r.sent) / (r.size || 1))} % sent`}
            {r.state === 'processing' && processing}
            {(r.state === 'done' || r.state === 'failed') && r.message}
          </small>
          {(r.state === 'sending' || r.state === 'processing') && (
            <button type="button" class="secondary outline" onClick={() => r.upload?.cancel()}>
              Cancel
            </button>
          )}
        </div>
      ))}
    </>
  );
}
