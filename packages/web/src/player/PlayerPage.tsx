/**
 * Player page (app.md §9.5): `/play/{mode}/{stream}/{template}?player=dashjs|shaka|native&…`.
 * The manifest URL is built from the same query minus the player-page options, the chosen player
 * is loaded from the server and started, and the page shows the URL, a status line refreshed
 * every second, the errors and an event log. `window.loopcastProbe` exposes the player to browser
 * tests (testing.md §3.2); `window.probe` names the same object so the shared playback judge
 * works on this page as on the test harness page.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { playedPath } from '../builder/paths.ts';
import { FORM_OPTIONS, OPTION_BY_PARAM, isPlayerOption, type Mode } from '../registry.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import './player.css';
import {
  chooseVersion,
  startPlayer,
  type PlayerName,
  type StartedPlayer,
  type TextTrackChoice,
} from './players.ts';

const MAX_LOG_LINES = 500;
const PLAYER_PARAMS = new Set(FORM_OPTIONS.filter(isPlayerOption).map((o) => o.param));

export interface ProbeSnapshot {
  wall: number;
  t: number;
  paused: boolean;
  readyState: number;
  width: number;
  height: number;
  frames: number;
  dropped: number;
  latency: number | null;
  live: boolean | null;
  errors: string[];
  events: string[];
}

export interface LoopcastProbe {
  player: unknown;
  errors: string[];
  /** `[name, epoch ms]` of the video element's playing, waiting, error and ended events. */
  events: [string, number][];
  latency(): number | null;
  isLive(): boolean | null;
  snapshot(): ProbeSnapshot | null;
}

declare global {
  interface Window {
    loopcastProbe?: LoopcastProbe;
    probe?: LoopcastProbe;
  }
}

interface LogLine {
  at: string;
  text: string;
  error: boolean;
}

/** The manifest's query: the page's query without the options that only shape this page. */
function manifestQuery(query: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const [k, v] of query) if (!PLAYER_PARAMS.has(k)) out.append(k, v);
  return out.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/**
 * The primary language of a tag, canonical: `eng`, `en` and `en-GB` are all `en` (manifests carry
 * two-letter tags where text_pref examples use three letters).
 */
function primaryLanguage(tag: string): string {
  try {
    return (Intl.getCanonicalLocales(tag)[0] ?? tag).split('-')[0]!.toLowerCase();
  } catch {
    return tag.toLowerCase();
  }
}

/** What the page takes from `/api/play` (app.md §4.6 `PlayInfo`). */
interface PlaySetup {
  /** Why the stream cannot play (unknown, or no timing reference); null when it can. */
  blocked: string | null;
  /** The ClearKey licence URL when the options ask for ClearKey. */
  clearkey: string | null;
}

interface PlayInfoDrm {
  drm: { system: string; laUrl: string | null }[];
}

/**
 * app.md §9.5: the page asks `/api/play` with its own query what to set up. An unknown stream,
 * template or mode, a stream without a timing reference, or a visitor who must log in first
 * (anonymous reading off) sees the reason instead of a player; any other failure (a bad option,
 * say) is left for the player to meet and report.
 */
async function playSetup(mode: string, stream: string, template: string): Promise<PlaySetup> {
  const path = [mode, stream, template].map(encodeURIComponent).join('/');
  const res = await fetch(`/api/play/${path}${location.search}`, { headers: { accept: 'application/json' } });
  if ([401, 403, 404, 409].includes(res.status)) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    const reason = body?.error?.message ?? `HTTP ${res.status}`;
    return {
      blocked:
        res.status === 409
          ? `The stream ${stream} has no timing reference yet, so it cannot play.`
          : `This cannot play: ${reason}`,
      clearkey: null,
    };
  }
  if (!res.ok) return { blocked: null, clearkey: null };
  const info = (await res.json()) as PlayInfoDrm;
  return { blocked: null, clearkey: info.drm.find((d) => d.system === 'clearkey')?.laUrl ?? null };
}

const fmt = (n: number | null | undefined, digits = 2): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);

export function PlayerPage({ match }: { match: RegExpExecArray }) {
  const mode = decodeURIComponent(match[1] ?? '') as Mode;
  const stream = decodeURIComponent(match[2] ?? '');
  const template = decodeURIComponent(match[3] ?? '');
  const query = useMemo(() => new URLSearchParams(location.search), []);
  const playerName: PlayerName = ((): PlayerName => {
    const p = query.get('player') ?? OPTION_BY_PARAM.get('player')?.default ?? 'native';
    return p === 'dashjs' || p === 'shaka' ? p : 'native';
  })();
  const chosen =
    playerName === 'native' ? { version: '', note: null } : chooseVersion(playerName, query.get(playerName));
  const mq = manifestQuery(query);
  const mpdUrl = `${location.origin}${playedPath(mode, stream, template)}${mq ? `?${mq}` : ''}`;

  const video = useRef<HTMLVideoElement>(null);
  const captions = useRef<HTMLDivElement>(null);
  const [started, setStarted] = useState<StartedPlayer | null>(null);
  const [setupDone, setSetupDone] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [log, setLog] = useState<LogLine[]>([]);
  const [status, setStatus] = useState('');
  const [cinema, setCinema] = useState(false);
  /** Why the stream cannot play (unknown, or no timing reference); shown instead of the player. */
  const [blocked, setBlockedState] = useState<string | null>(null);
  const blockedRef = useRef<string | null>(null);
  const setBlocked = (reason: string) => {
    blockedRef.current = reason;
    setBlockedState(reason);
  };
  const [textTracks, setTextTracks] = useState<TextTrackChoice[]>([]);
  /** The select's value: a track id, or '' for off. Null until the first list applied text_pref. */
  const [textChoice, setTextChoice] = useState<string | null>(null);
  const textPref = query.get('text_pref');

  useReadyMarker(setupDone);

  useEffect(() => {
    const v = video.current;
    const c = captions.current;
    if (!v || !c) return;
    const add = (text: string, error = false) =>
      setLog((l) => [
        ...l.slice(-(MAX_LOG_LINES - 1)),
        { at: new Date().toISOString().slice(11, 23), text, error },
      ]);
    const probe: LoopcastProbe = {
      player: null,
      errors: [],
      events: [],
      latency: () => null,
      isLive: () => null,
      snapshot: () => {
        const q = v.getVideoPlaybackQuality();
        return {
          wall: Date.now(),
          t: v.currentTime,
          paused: v.paused,
          readyState: v.readyState,
          width: v.videoWidth,
          height: v.videoHeight,
          frames: q.totalVideoFrames,
          dropped: q.droppedVideoFrames,
          latency: probe.latency(),
          live: probe.isLive(),
          errors: probe.errors.slice(),
          events: probe.events.map((e) => e[0]),
        };
      },
    };
    window.loopcastProbe = probe;
    window.probe = probe;
    const fail = (text: string) => {
      probe.errors.push(text);
      setErrors((e) => [...e, text]);
      add(text, true);
    };
    for (const name of ['playing', 'waiting', 'error', 'ended', 'pause']) {
      v.addEventListener(name, () => {
        if (name !== 'pause') probe.events.push([name, Date.now()]);
        if (playerName !== 'dashjs') add(name); // dash.js logs its own
      });
    }
    // A decode or source error on the element is a failure even when the player says nothing.
    v.addEventListener('error', () =>
      fail(`video element error ${v.error ? `${v.error.code} ${v.error.message}` : ''}`),
    );

    let current: StartedPlayer | null = null;
    let cancelled = false;
    add(`loading ${playerName}${chosen.version ? ` ${chosen.version}` : ''}: ${mpdUrl}`);
    playSetup(mode, stream, template)
      .then((setup) => {
        if (setup.blocked === null) return setup;
        setBlocked(setup.blocked);
        throw new Error(setup.blocked);
      })
      .then((setup) =>
        startPlayer(
          playerName,
          chosen.version,
          { video: v, captions: c },
          mpdUrl,
          { clearkey: setup.clearkey },
          { log: add, error: fail, textTracksChanged: () => current && setTextTracks(current.textTracks()) },
        ),
      )
      .then(async (p) => {
        if (cancelled) return p.destroy();
        current = p;
        setTextTracks(p.textTracks());
        probe.player = p.instance;
        probe.latency = p.latency;
        probe.isLive = p.isLive;
        setStarted(p);
        if (playerName !== 'dashjs') {
          await v.play().catch((e: unknown) => {
            // The page starts muted so autoplay is allowed; a refusal is worth reporting anyway.
            fail(`play() refused: ${String(e)}`);
          });
        }
      })
      .catch((e: unknown) => {
        if (!cancelled && !blockedRef.current) fail(`setup failed: ${String(e)}`);
      })
      .finally(() => setSetupDone(true));
    return () => {
      cancelled = true;
      current?.destroy();
    };
    // The page is loaded once per URL; nothing it depends on changes while it lives.
  }, []);

  // Status line, refreshed every second.
  useEffect(() => {
    const timer = setInterval(() => {
      const v = video.current;
      if (!v) return;
      let range = '–';
      for (let i = 0; i < v.buffered.length; i++) {
        if (v.buffered.start(i) <= v.currentTime + 0.5 || i === v.buffered.length - 1) {
          range = `${fmt(v.buffered.start(i), 1)}–${fmt(v.buffered.end(i), 1)} s`;
          if (v.buffered.end(i) >= v.currentTime) break;
        }
      }
      // Native playback has no track events of its own here; the list is re-read every second.
      const tracks = started?.textTracks() ?? [];
      setTextTracks((old) =>
        old.map((t) => t.label).join() === tracks.map((t) => t.label).join() ? old : tracks,
      );
      const q = v.getVideoPlaybackQuality();
      const live = started?.isLive();
      const bitrate = started?.bitrate();
      setStatus(
        [
          `time ${fmt(v.currentTime)} s`,
          `buffered ${range}`,
          live ? `latency ${fmt(started?.latency())} s` : live === false ? 'static' : null,
          v.videoWidth ? `${v.videoWidth}×${v.videoHeight}` : null,
          bitrate ? `${Math.round(bitrate / 1000)} kbit/s` : null,
          `dropped ${q.droppedVideoFrames}/${q.totalVideoFrames} frames`,
        ]
          .filter(Boolean)
          .join(' · '),
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [started]);

  // The first list of text tracks takes its choice from text_pref (app.md §9.5), then the select.
  useEffect(() => {
    if (!started || textTracks.length === 0 || textChoice !== null) return;
    const pref = textPref && textPref !== 'none' ? textPref : null;
    const wanted = pref ? primaryLanguage(pref) : null;
    const match = wanted ? textTracks.find((t) => t.lang && primaryLanguage(t.lang) === wanted) : undefined;
    setTextChoice(match?.id ?? '');
    started.selectTextTrack(match?.id ?? null);
    setLog((l) => [
      ...l.slice(-(MAX_LOG_LINES - 1)),
      {
        at: new Date().toISOString().slice(11, 23),
        text: `text track: ${match ? match.label : 'off'}${pref ? ` (text_pref=${pref})` : ''}`,
        error: false,
      },
    ]);
  }, [started, textTracks]);
  const chooseText = (id: string) => {
    setTextChoice(id);
    started?.selectTextTrack(id === '' ? null : id);
  };

  // Keyboard and TV remote keys (app.md §9.5).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const v = video.current;
      if (
        !v ||
        (e.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(e.target.tagName))
      )
        return;
      const code = e.keyCode;
      if (e.key === ' ' || e.key === 'Enter') v.paused ? void v.play() : v.pause();
      else if (e.key === 'Escape' || code === 413) v.pause();
      else if (code === 415) void v.play();
      else if (code === 19) v.pause();
      else if (e.key === 'ArrowLeft') v.currentTime = Math.max(0, v.currentTime - 30);
      else if (e.key === 'ArrowRight') v.currentTime += 30;
      else if (e.key === 'Home') location.href = '/';
      else if (e.key === 'c') setCinema((c) => !c);
      else if (e.key === 'f')
        void (document.fullscreenElement ? document.exitFullscreen() : v.requestFullscreen());
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const copyLog = () =>
    void navigator.clipboard
      ?.writeText(log.map((l) => `${l.at} ${l.text}`).join('\n'))
      .catch(() => undefined);
  const playerLabel =
    playerName === 'dashjs' ? 'dash.js' : playerName === 'shaka' ? 'Shaka Player' : 'native (browser)';

  return (
    <Page>
      <PageTitle title={`${stream} · ${template} · ${mode}`} crumbs={[{ label: 'Home', href: '/' }]} />
      <p class="player-meta">
        <span>
          {playerLabel} {started?.name !== 'native' ? (started?.version ?? chosen.version) : ''}
        </span>
        {chosen.note && <span class="note"> · {chosen.note}</span>}
        <br />
        <small>
          Manifest: <a href={mpdUrl}>{mpdUrl}</a>
        </small>
      </p>
      {blocked && (
        <p class="form-error" role="alert" id="not-playable">
          {blocked} <a href={`/streams/${encodeURIComponent(stream)}`}>Open the stream’s page</a> to add files
          or choose its timing reference.
        </p>
      )}
      <div class={cinema ? 'video-box cinema' : 'video-box'} hidden={blocked !== null}>
        <video ref={video} controls muted playsInline autoplay={playerName !== 'dashjs'} />
        <div ref={captions} class="captions" />
      </div>
      <p class="player-status" aria-live="off" hidden={blocked !== null}>
        <output>{status || 'starting…'}</output>
      </p>
      <label class="text-track-choice" hidden={blocked !== null}>
        Text track{' '}
        <select
          id="text-track"
          value={textChoice ?? ''}
          disabled={textTracks.length === 0}
          onChange={(e) => chooseText(e.currentTarget.value)}
        >
          <option value="">{textTracks.length === 0 ? 'none in this stream' : 'off'}</option>
          {textTracks.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <section aria-labelledby="errors-heading" hidden={blocked !== null}>
        <h2 id="errors-heading">Errors</h2>
        {errors.length === 0 ? (
          <p class="no-errors">None.</p>
        ) : (
          <ul class="error-list" role="alert">
            {errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">
          Event log{' '}
          <button type="button" class="secondary outline small" onClick={copyLog}>
            Copy log
          </button>
        </h2>
        <ol class="event-log">
          {log.map((l, i) => (
            <li key={i} class={l.error ? 'error' : undefined}>
              <time>{l.at}</time> {l.text}
            </li>
          ))}
        </ol>
        <p>
          <small>
            Keys: Space/Enter play or pause · Escape stop · ←/→ seek 30 s · c cinema · f full screen · Home
            back
          </small>
        </p>
      </section>
    </Page>
  );
}
