/**
 * Upload for the music page (daap.md §11.5): media users add MP3 or M4A files to the library
 * ("Uploads"), one progress bar per file; the share publishes each as a new DAAP revision.
 */
import '../streams/streams.css';
import { UploadRows, useUploads } from '../streams/uploads.tsx';
import type { MusicTrack } from './api.ts';

export function MusicUpload({ onUploaded }: { onUploaded: () => void }) {
  const { rows, start } = useUploads<MusicTrack>('/api/music', (t) => `Added: ${t.title}`, onUploaded);
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
      <UploadRows rows={rows} processing="reading tags…" />
    </details>
  );
}
