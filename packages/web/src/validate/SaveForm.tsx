/**
 * "Save this stream to loopcast" (validator.md §8.1, §8.3): shown by the page only to logged-in
 * media users after a finished run. Sends `save` on the socket; `saveProgress` drives the bar and
 * `saved` shows the link to the new stream's page. The server re-checks everything.
 */
import { useState } from 'preact/hooks';
import type { FieldErrors } from './socket.ts';

export interface SaveState {
  busy: boolean;
  progress: { done: number; total: number; text: string } | null;
  saved: { directory: string; streamUrl: string } | null;
}

export const NO_SAVE: SaveState = { busy: false, progress: null, saved: null };

export function SaveForm(props: {
  state: SaveState;
  fieldErrors: FieldErrors;
  onSave: (directory: string, title: string) => void;
}) {
  const [directory, setDirectory] = useState('');
  const [title, setTitle] = useState('');
  const { busy, progress, saved } = props.state;
  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <section id="save-section">
      <h2>Save this stream to loopcast</h2>
      <form
        id="save-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSave(directory.trim(), title.trim());
        }}
      >
        <label>
          Directory
          <input
            name="directory"
            value={directory}
            pattern="[A-Za-z0-9]{3,30}"
            required
            aria-invalid={props.fieldErrors.directory ? 'true' : undefined}
            onInput={(e) => setDirectory(e.currentTarget.value)}
          />
          {props.fieldErrors.directory && <small class="field-error">{props.fieldErrors.directory}</small>}
        </label>
        <label>
          Title
          <input
            name="title"
            value={title}
            maxLength={120}
            required
            aria-invalid={props.fieldErrors.title ? 'true' : undefined}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
          {props.fieldErrors.title && <small class="field-error">{props.fieldErrors.title}</small>}
        </label>
        <button id="save-button" type="submit" disabled={busy}>
          Save
        </button>
      </form>
      {busy && progress && (
        <p id="save-progress">
          <progress value={percent} max={100} /> {progress.text}
        </p>
      )}
      {saved && (
        <p id="saved">
          Saved as <a href={saved.streamUrl}>{saved.directory}</a>.
        </p>
      )}
    </section>
  );
}
