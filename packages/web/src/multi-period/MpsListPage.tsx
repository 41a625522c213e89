/**
 * `/multi-period-streams` (app.md §9.2): the multi-period streams, sortable by title, name,
 * duration or Period count, with links to the editor, the manifests and the player page; "Add" for
 * media users.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '../account/api.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import { currentSession, formatSeconds } from '../streams/api.ts';
import { listMps, type MpsSummary } from './api.ts';

type SortKey = 'title' | 'name' | 'durationSeconds' | 'periodCount';
const COLUMNS: [SortKey, string][] = [
  ['title', 'Title'],
  ['name', 'Name'],
  ['durationSeconds', 'Duration'],
  ['periodCount', 'Periods'],
];

export function MpsListPage() {
  const [rows, setRows] = useState<MpsSummary[] | null>(null);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'title', desc: false });

  useEffect(() => {
    Promise.all([listMps(), currentSession()])
      .then(([list, info]) => {
        setRows(list);
        setSession(info);
      })
      .catch((e: unknown) => setError(`Could not load the multi-period streams: ${String(e)}`));
  }, []);
  useReadyMarker(rows !== null || error !== null);

  const sorted = [...(rows ?? [])].sort((a, b) => {
    const x = a[sort.key];
    const y = b[sort.key];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sort.desc ? -c : c;
  });

  return (
    <Page>
      <PageTitle title="Multi-period streams" />
      {error && <p role="alert">{error}</p>}
      {session?.permissions.media && (
        <p>
          <a href="/multi-period-streams/.add" role="button">
            Add multi-period stream
          </a>
        </p>
      )}
      {rows && rows.length === 0 && <p>There are no multi-period streams yet.</p>}
      {rows && rows.length > 0 && (
        <table class="striped" data-testid="mps-table">
          <thead>
            <tr>
              {COLUMNS.map(([key, label]) => (
                <th
                  scope="col"
                  key={key}
                  aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : undefined}
                >
                  <a
                    href="#"
                    onClick={(e) => {
                      e.preventDefault();
                      setSort({ key, desc: sort.key === key ? !sort.desc : false });
                    }}
                  >
                    {label}
                  </a>
                </th>
              ))}
              <th scope="col">Links</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((m) => {
              const name = encodeURIComponent(m.name);
              return (
                <tr key={m.name}>
                  <td>
                    <a href={`/multi-period-streams/${name}`}>{m.title}</a>
                  </td>
                  <td>
                    <code>{m.name}</code>
                  </td>
                  <td>{formatSeconds(m.durationSeconds)}</td>
                  <td>{m.periodCount}</td>
                  <td>
                    <a href={`/mps/vod/${name}/hand_made.mpd`}>VOD MPD</a>{' '}
                    <a href={`/mps/live/${name}/hand_made.mpd`}>Live MPD</a>{' '}
                    <a href={`/play/mps-live/${name}/hand_made`}>Play</a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Page>
  );
}
