/** "Save this stream to loopcast" (validator.md §8.3), shown to logged-in media users only. */
import { useState } from 'preact/hooks';
import type { FieldErrors, ServerMessage } from './socket.ts';

export function SaveForm(props: {
  onSave: (directory: string, title: string) => void;
  message: ServerMessage | null;
  fieldErrors: FieldErrors;
}) {
  const [directory, setDirectory] = useState('');
  const [title, setTitle] = useState('');
  const m = props.message;
  return (
    <form
      id="save-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(directory.trim(), title.trim());
      }}
    >
      <h2>Save this stream to loopcast</h2>
      <div class="grid">
        <label>
          Directory
          <input
            name="directory"
            value={directory}
            onInput={(e) => setDirectory((e.target as HTMLInputElement).value)}
          />
          {props.fieldErrors.directory && <small class="field-error">{props.fieldErrors.directory}</small>}
        </label>
        <label>
          Title
          <input name="title" value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          {props.fieldErrors.title && <small class="field-error">{props.fieldErrors.title}</small>}
        </label>
      </div>
      <button type="submit">Save</button>
      {m?.type === 'saveProgress' && (
        <p>
          {m.text} ({m.done}/{m.total})
        </p>
      )}
      {m?.type === 'saved' && (
        <p>
          Saved as <a href={m.streamUrl}>{m.directory}</a>.
        </p>
      )}
      {m?.type === 'error' && (
        <p role="alert" class="field-error">
          {m.message}
        </p>
      )}
    </form>
  );
}
