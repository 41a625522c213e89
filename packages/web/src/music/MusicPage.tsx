/**
 * `/music` (app.md §9.7, daap.md §11.5): the music library (art thumbnail, title, artist, album,
 * track and disc, duration, format, source; search and column sorting) and the DAAP panel (share
 * name and port, password, mDNS state, revision and the client sessions, refreshed every 5 s).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import {
  LoginNeeded,
  fetchDaapSessions,
  fetchDaapStatus,
  fetchLibrary,
  type DaapSession,
  type DaapStatus,
  type MusicListing,
  type MusicSort,
  type MusicTrack,
} from './api.ts';
import { change, currentSession } from '../streams/api.ts';
import { MusicUpload } from './MusicUpload.tsx';
import './music.css';

const REFRESH_MS = 5000;

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Today's times as a clock time, older ones with their date. */
const time = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
};

const numberOf = (n: number | null, count: number | null): string =>
  n === null ? '' : count ? `${n}/${count}` : String(n);

const SOURCE_LABEL: Record<MusicTrack['source'], string> = {
  demo: 'Demo',
  upload: 'Upload',
  folder: 'Folder',
};

function Artwork({ track }: { track: MusicTrack }) {
  if (!track.hasArtwork) {
    return (
      <span class="art-thumb art-none" role="img" aria-label="No artwork">
        ♪
      </span>
    );
  }
  return (
    <img
      class="art-thumb"
      src={`/api/music/${track.id}/artwork?size=96`}
      alt={`Cover of ${track.album ?? track.title}`}
      width={48}
      height={48}
      loading="lazy"
    />
  );
}

/** The one row playing at a time: starting another row pauses it. */
let playing: HTMLAudioElement | null = null;

/** A small player per row (app.md §9.7): play/pause over the track's `/audio` route. */
function RowPlayer({ track }: { track: MusicTrack }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [state, setState] = useState<'idle' | 'loading' | 'playing' | 'error'>('idle');
  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (!el.paused) {
      el.pause();
      return;
    }
    if (playing && playing !== el) playing.pause();
    playing = el;
    setState('loading');
    el.play().catch(() => setState('error'));
  };
  const label = state === 'playing' ? `Pause ${track.title}` : `Play ${track.title}`;
  return (
    <>
      <button
        type="button"
        class="outline secondary play-button"
        aria-label={label}
        title={state === 'error' ? 'This track cannot be played in this browser.' : label}
        aria-busy={state === 'loading'}
        onClick={toggle}
      >
        {state === 'playing' ? '❚❚' : state === 'error' ? '!' : '▶'}
      </button>
      <audio
        ref={audio}
        preload="none"
        src={`/api/music/${track.id}/audio`}
        onPlaying={() => setState('playing')}
        onPause={() => setState('idle')}
        onEnded={() => setState('idle')}
        onError={() => setState('error')}
      />
    </>
  );
}

function SortHeader(props: {
  label: string;
  sort: MusicSort;
  current: MusicSort;
  onSort: (s: MusicSort) => void;
}) {
  const active = props.sort === props.current;
  return (
    <th scope="col" aria-sort={active ? (props.sort === 'added' ? 'descending' : 'ascending') : 'none'}>
      <a
        href={`?sort=${props.sort}`}
        class={active ? 'sort-active' : ''}
        onClick={(e) => {
          e.preventDefault();
          props.onSort(props.sort);
        }}
      >
        {props.label}
        {active ? (props.sort === 'added' ? ' ▼' : ' ▲') : ''}
      </a>
    </th>
  );
}

function LibraryTable(props: {
  listing: MusicListing;
  sort: MusicSort;
  onSort: (s: MusicSort) => void;
  /** Set for media users: delete for uploads (daap.md §11.5). */
  onDelete?: (track: MusicTrack) => void;
}) {
  const { items } = props.listing;
  if (!items.length) return <p>No tracks match.</p>;
  return (
    <div class="overflow-auto">
      <table class="striped music-table" data-testid="music-library">
        <thead>
          <tr>
            <th scope="col">
              <span class="visually-hidden">Artwork</span>
            </th>
            <SortHeader label="Title" sort="title" current={props.sort} onSort={props.onSort} />
            <SortHeader label="Artist" sort="artist" current={props.sort} onSort={props.onSort} />
            <SortHeader label="Album" sort="album" current={props.sort} onSort={props.onSort} />
            <th scope="col">Track</th>
            <th scope="col">Disc</th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col">Format</th>
            <th scope="col">Source</th>
            <th scope="col">
              <span class="visually-hidden">Listen</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.id} data-track-id={t.id}>
              <td class="art-cell">
                <Artwork track={t} />
              </td>
              <td>
                {t.title}
                {t.tagError && (
                  <small class="tag-error" title={t.tagError}>
                    Tags not read: {t.tagError}
                  </small>
                )}
              </td>
              <td>{t.artist ?? ''}</td>
              <td>{t.album ?? ''}</td>
              <td>{numberOf(t.trackNumber, t.trackCount)}</td>
              <td>{numberOf(t.discNumber, t.discCount)}</td>
              <td class="num">{formatDuration(t.durationMs)}</td>
              <td>{t.format.toUpperCase()}</td>
              <td>{SOURCE_LABEL[t.source]}</td>
              <td class="audio-cell">
                <RowPlayer track={t} />
                {props.onDelete && t.source === 'upload' && (
                  <button
                    type="button"
                    class="secondary outline"
                    data-testid="music-delete"
                    onClick={() => props.onDelete?.(t)}
                  >
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function mdnsText(status: DaapStatus): string {
  const { mdns } = status;
  if (mdns.state === 'off') return 'Off';
  if (mdns.state === 'failed') return 'Failed';
  if (!mdns.advertisedName) return 'Starting';
  return mdns.advertisedName === status.name
    ? `Advertising as “${mdns.advertisedName}”`
    : `Advertising as “${mdns.advertisedName}” (renamed after a conflict)`;
}

function SessionsTable({ sessions }: { sessions: DaapSession[] }) {
  if (!sessions.length) return <p data-testid="daap-no-sessions">No client is connected.</p>;
  return (
    <div class="overflow-auto">
      <table class="striped sessions-table" data-testid="daap-sessions">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Client</th>
            <th scope="col">Address</th>
            <th scope="col">State</th>
            <th scope="col" class="num">
              Revision
            </th>
            <th scope="col">Since</th>
            <th scope="col">Last seen</th>
            <th scope="col" class="num">
              Requests
            </th>
            <th scope="col" class="num">
              Items streamed
            </th>
            <th scope="col" class="num">
              Bytes
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} data-session-id={s.id}>
              <td>{s.id}</td>
              <td title={s.userAgent}>{s.client}</td>
              <td>{s.address}</td>
              <td>{s.state}</td>
              <td class="num">{s.heldRevision}</td>
              <td>{time(s.since)}</td>
              <td>{time(s.lastSeen)}</td>
              <td class="num">{s.requests}</td>
              <td class="num">{s.itemsStreamed}</td>
              <td class="num">{formatBytes(s.bytesStreamed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DaapPanel({ status, sessions }: { status: DaapStatus; sessions: DaapSession[] }) {
  return (
    <article class="daap-panel" data-testid="daap-panel">
      <header>
        <h2>DAAP share</h2>
      </header>
      {status.enabled ? (
        <>
          <dl class="daap-facts">
            <div>
              <dt>Share name</dt>
              <dd data-testid="daap-name">{status.name}</dd>
            </div>
            <div>
              <dt>Port</dt>
              <dd data-testid="daap-port">{status.port}</dd>
            </div>
            <div>
              <dt>Password</dt>
              <dd>{status.passwordSet ? 'Set' : 'None'}</dd>
            </div>
            <div>
              <dt>mDNS</dt>
              <dd data-testid="daap-mdns">{mdnsText(status)}</dd>
            </div>
            <div>
              <dt>Revision</dt>
              <dd data-testid="daap-revision">{status.revision}</dd>
            </div>
          </dl>
          <h3>Sessions</h3>
          <SessionsTable sessions={sessions} />
        </>
      ) : (
        <p data-testid="daap-off">
          The DAAP share is off. Start loopcast with <code>LOOPCAST_DAAP=on</code> to share this library with
          iTunes, Music.app and Rhythmbox.
        </p>
      )}
    </article>
  );
}

export function MusicPage() {
  const params = new URLSearchParams(location.search);
  const [q, setQ] = useState(params.get('q') ?? '');
  const [sort, setSort] = useState<MusicSort>(
    (['title', 'artist', 'album', 'added'] as const).find((s) => s === params.get('sort')) ?? 'title',
  );
  const [listing, setListing] = useState<MusicListing | null>(null);
  const [status, setStatus] = useState<DaapStatus | null>(null);
  const [sessions, setSessions] = useState<DaapSession[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [media, setMedia] = useState(false);
  const [generation, setGeneration] = useState(0);
  useReadyMarker(listing !== null && status !== null);
  const reload = () => setGeneration((g) => g + 1);
  useEffect(() => {
    currentSession()
      .then((s) => setMedia(s.permissions.media))
      .catch(() => undefined);
  }, []);
  const remove = (track: MusicTrack) => {
    if (!confirm(`Delete the uploaded track ${track.title}?`)) return;
    change('DELETE', `/api/music/${track.id}`).then(reload, fail);
  };

  const fail = (err: unknown) => {
    if (err instanceof LoginNeeded) return;
    setError(err instanceof Error ? err.message : String(err));
  };

  // The library follows the search box (after a short pause) and the sort column.
  useEffect(() => {
    const timer = setTimeout(() => {
      fetchLibrary(q, sort)
        .then((l) => {
          setListing(l);
          setError(null);
        })
        .catch(fail);
      const query = new URLSearchParams();
      if (q.trim()) query.set('q', q.trim());
      if (sort !== 'title') query.set('sort', sort);
      const search = query.toString();
      history.replaceState(null, '', search ? `?${search}` : location.pathname);
    }, 200);
    return () => clearTimeout(timer);
  }, [q, sort, generation]);

  // The DAAP panel is refreshed every 5 s (app.md §9.7).
  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      try {
        const [s, list] = await Promise.all([fetchDaapStatus(), fetchDaapSessions()]);
        if (stopped) return;
        setStatus(s);
        setSessions(list);
      } catch (err) {
        fail(err);
      }
    };
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <Page>
      <PageTitle title="Music" crumbs={[{ label: 'Home', href: '/' }]} />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="music-layout">
        <section class="music-library" aria-label="Library">
          <div class="library-bar">
            <input
              type="search"
              name="q"
              placeholder="Search title, artist, album, genre…"
              aria-label="Search the library"
              value={q}
              onInput={(e) => setQ(e.currentTarget.value)}
            />
            <label class="library-sort">
              <span>Sort by</span>
              <select name="sort" value={sort} onChange={(e) => setSort(e.currentTarget.value as MusicSort)}>
                <option value="title">Title</option>
                <option value="artist">Artist</option>
                <option value="album">Album</option>
                <option value="added">Recently added</option>
              </select>
            </label>
            <span class="library-count" data-testid="music-count">
              {listing ? `${listing.total} ${listing.total === 1 ? 'track' : 'tracks'}` : 'Loading…'}
            </span>
          </div>
          {media && <MusicUpload onUploaded={reload} />}
          {listing && (
            <LibraryTable
              listing={listing}
              sort={sort}
              onSort={setSort}
              {...(media ? { onDelete: remove } : {})}
            />
          )}
        </section>
        {status && <DaapPanel status={status} sessions={sessions} />}
      </div>
    </Page>
  );
}
