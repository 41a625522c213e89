/**
 * `…/files/{name}/segments` (app.md §7.2): segment number (0 = init), start and duration in
 * timescale ticks and as time, byte position and size; each row links to its box tree.
 */
import { useEffect, useState } from 'preact/hooks';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { getJson, type SegmentRow } from '../streams/api.ts';
import { fileCrumbs, loadFileByName } from './load-file.ts';

export function SegmentsPage({ match }: { match: RegExpExecArray }) {
  const directory = decodeURIComponent(match[1]!);
  const name = decodeURIComponent(match[2]!);
  const [list, setList] = useState<{ timescale: number; segments: SegmentRow[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadFileByName(directory, name)
      .then((f) => getJson<{ timescale: number; segments: SegmentRow[] }>(`/api/files/${f.id}/segments`))
      .then(setList)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [directory, name]);
  useReadyMarker(list !== null || error !== null);
  const base = `/streams/${encodeURIComponent(directory)}/files/${encodeURIComponent(name)}/segments`;

  return (
    <Page>
      <PageTitle title="Segments" crumbs={fileCrumbs(directory, name)} />
      {error && <p role="alert">{error}</p>}
      {list && (
        <figure>
          <p>Timescale {list.timescale} ticks per second.</p>
          <table class="striped" data-testid="segments-table">
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col">Start (ticks)</th>
                <th scope="col">Start (s)</th>
                <th scope="col">Duration (ticks)</th>
                <th scope="col">Duration (s)</th>
                <th scope="col">Position</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {list.segments.map((s) => (
                <tr key={s.index}>
                  <td>
                    <a href={`${base}/${s.index}`}>{s.index === 0 ? '0 (init)' : s.index}</a>
                  </td>
                  <td>{s.start ?? ''}</td>
                  <td>{s.startSeconds ?? ''}</td>
                  <td>{s.duration ?? ''}</td>
                  <td>{s.durationSeconds ?? ''}</td>
                  <td>{s.pos}</td>
                  <td>{s.size}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </figure>
      )}
    </Page>
  );
}
