/**
 * `/streams/{directory}/files/{name}/edit` (app.md §9.2, §5.6): track id and language with live
 * validation — the form asks `POST /api/files/{id}/check` as the user types — then saves, which
 * rewrites the file and re-indexes it.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiRequestError } from '../account/api.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { change, type MediaFile } from '../streams/api.ts';
import { fileCrumbs, loadFileByName } from './load-file.ts';

interface Problems {
  trackId?: string;
  language?: string;
}

export function EditFilePage({ match }: { match: RegExpExecArray }) {
  const directory = decodeURIComponent(match[1]!);
  const name = decodeURIComponent(match[2]!);
  const [file, setFile] = useState<MediaFile | null>(null);
  const [trackId, setTrackId] = useState('');
  const [language, setLanguage] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadFileByName(directory, name)
      .then((f) => {
        setFile(f);
        setTrackId(String(f.trackId ?? ''));
        setLanguage(f.language ?? 'und');
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [directory, name]);
  useReadyMarker(file !== null || error !== null);

  const body = (): { trackId?: number; language?: string } => ({
    ...(trackId.trim() && /^\d+$/.test(trackId.trim()) ? { trackId: Number(trackId.trim()) } : {}),
    ...(language.trim() ? { language: language.trim() } : {}),
  });

  // Live validation, a moment after the last keystroke.
  useEffect(() => {
    if (!file) return;
    const timer = setTimeout(() => {
      if (trackId.trim() && !/^\d+$/.test(trackId.trim())) {
        setProblems({ trackId: 'trackId must be a whole number from 1 to 4294967295.' });
        return;
      }
      change<{ errors: Problems }>('POST', `/api/files/${file.id}/check`, body())
        .then((r) => setProblems(r.errors))
        .catch((e: unknown) => {
          if (e instanceof ApiRequestError && e.failure.field) {
            setProblems({ [e.failure.field]: e.failure.message });
          }
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [file, trackId, language]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await change<MediaFile>('PATCH', `/api/files/${file.id}`, body());
      location.assign(`/streams/${encodeURIComponent(directory)}/files/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof ApiRequestError && err.failure.field) {
        setProblems({ [err.failure.field]: err.failure.message });
      } else setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Page>
      <PageTitle title="Edit track" crumbs={fileCrumbs(directory, name)} />
      {error && <p role="alert">{error}</p>}
      {file && (
        <form onSubmit={(e) => void submit(e)}>
          <p>Saving rewrites the file with the new values and indexes it again.</p>
          <label>
            Track id
            <input
              name="trackId"
              inputMode="numeric"
              value={trackId}
              aria-invalid={problems.trackId ? true : undefined}
              aria-describedby="trackId-help"
              onInput={(e) => setTrackId(e.currentTarget.value)}
            />
            <small id="trackId-help">{problems.trackId ?? '1 to 4294967295'}</small>
          </label>
          <label>
            Language
            <input
              name="language"
              value={language}
              aria-invalid={problems.language ? true : undefined}
              aria-describedby="language-help"
              onInput={(e) => setLanguage(e.currentTarget.value)}
            />
            <small id="language-help">{problems.language ?? 'A BCP-47 tag: en, en-GB, und …'}</small>
          </label>
          <button type="submit" aria-busy={busy} disabled={Boolean(problems.trackId || problems.language)}>
            Save
          </button>
        </form>
      )}
    </Page>
  );
}
