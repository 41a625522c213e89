/**
 * Starting dash.js, Shaka Player or the browser's own DASH support on a <video> element. The two
 * libraries are not bundled: their prebuilt files are loaded from the server on demand (only the
 * chosen one), so the app stays small. Only the few calls used here are typed, which also keeps
 * the code independent of the differences between the 4.x and 5.x typings.
 */
import { PLAYERS } from 'virtual:loopcast-registry';

export type PlayerName = 'native' | 'dashjs' | 'shaka';

export interface PlayerHooks {
  log: (line: string) => void;
  error: (line: string) => void;
  /** The list of text tracks changed (manifest loaded, period change). */
  textTracksChanged?: () => void;
}

/** A text track as the page's select lists it (app.md §9.5): language and role. */
export interface TextTrackChoice {
  id: string;
  lang: string | null;
  label: string;
}

const trackLabel = (
  lang: string | null | undefined,
  roles: readonly unknown[] | undefined,
  n: number,
): string => {
  const role = (roles ?? [])
    .map((r) => (typeof r === 'string' ? r : ((r as { value?: string } | null)?.value ?? '')))
    .filter(Boolean)
    .join(', ');
  return `${lang || `track ${n + 1}`}${role ? ` (${role})` : ''}`;
};

export interface PlayerElements {
  video: HTMLVideoElement;
  /** Where dash.js draws TTML subtitles (it cannot use the video's own text tracks for them). */
  captions: HTMLDivElement;
}

export interface DrmConfig {
  /** ClearKey licence server, when the manifest asks for ClearKey. */
  clearkey: string | null;
}

export interface StartedPlayer {
  name: PlayerName;
  version: string;
  /** The library's player object, for tests and the console. */
  instance: unknown;
  isLive: () => boolean | null;
  /** Seconds behind the live edge, null when not live or not known yet. */
  latency: () => number | null;
  /** Bits per second of the video being played, when the player knows it. */
  bitrate: () => number | null;
  textTracks: () => TextTrackChoice[];
  /** Shows one text track, or none with null. */
  selectTextTrack: (id: string | null) => void;
  destroy: () => void;
}

export interface ChosenVersion {
  version: string;
  /** Set when the requested version is not bundled and another of its major was chosen. */
  note: string | null;
}

/** The `dashjs` / `shaka` option: a requested version resolves to the bundled one of its major. */
export function chooseVersion(player: 'dashjs' | 'shaka', requested: string | null): ChosenVersion {
  const bundled = PLAYERS[player];
  const newest = bundled[0] ?? '';
  if (!requested || requested === 'none') return { version: newest, note: null };
  if (bundled.includes(requested)) return { version: requested, note: null };
  const major = requested.split('.')[0];
  const sameMajor = bundled.find((v) => v.split('.')[0] === major);
  const label = player === 'dashjs' ? 'dash.js' : 'Shaka Player';
  if (sameMajor) return { version: sameMajor, note: `${label} ${requested} requested, ${sameMajor} loaded` };
  return { version: newest, note: `${label} ${requested} is not bundled; ${newest} loaded` };
}

const loadScript = (src: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });

const short = (v: unknown): string => {
  try {
    return JSON.stringify(v).slice(0, 300);
  } catch {
    return String(v);
  }
};

// --- dash.js -------------------------------------------------------------------------------

interface DashEvent {
  type: string;
  error?: unknown;
  /** dash.js 4.x: the index of the new quality. */
  newQuality?: number;
  /** dash.js 5.x: the new Representation. */
  newRepresentation?: { id?: string; bandwidth?: number };
  mediaType?: string;
  event?: {
    schemeIdUri?: string;
    value?: string;
    id?: number;
    presentationTime?: number;
    /** Seconds on the media timeline (dash.js computes it from the stream's timescale). */
    calculatedPresentationTime?: number;
    eventStream?: { schemeIdUri?: string; value?: string };
  };
  /** MANIFEST_LOADED: the parsed manifest. */
  data?: unknown;
}

/**
 * The scheme ids of every EventStream and InbandEventStream in a parsed manifest: dash.js raises
 * DASH events only to handlers registered per scheme, so the page registers one for each scheme
 * the manifest announces (app.md §9.5) instead of keeping a list of its own.
 */
export function eventSchemes(manifest: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown, inStream: boolean, depth: number): void => {
    if (depth > 12 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, inStream, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (inStream && key === 'schemeIdUri' && typeof value === 'string') found.add(value);
      walk(value, /^(Inband)?EventStream(_asArray)?$/.test(key), depth + 1);
    }
  };
  walk(manifest, false, 0);
  return [...found];
}
interface DashPlayer {
  initialize(view: HTMLVideoElement, url: string, autoPlay: boolean): void;
  on(type: string, listener: (e: DashEvent) => void): void;
  isDynamic(): boolean;
  getCurrentLiveLatency(): number;
  setProtectionData(data: Record<string, { serverURL: string }>): void;
  attachTTMLRenderingDiv(div: HTMLDivElement): void;
  getVersion(): string;
  reset(): void;
  getTracksFor(type: string): { lang?: string | null; roles?: unknown[] }[];
  setTextTrack(index: number): void;
  /** 5.x: text on or off. */
  enableText?(enable: boolean): void;
  /** 5.x */
  getCurrentRepresentationForType?(type: string): { bandwidth?: number } | null;
  /** 4.x */
  getQualityFor?(type: string): number;
  getBitrateInfoListFor?(type: string): { bitrate: number }[];
}
interface DashGlobal {
  MediaPlayer: (() => { create(): DashPlayer }) & { events: Record<string, string> };
}

async function startDashjs(
  { video, captions }: PlayerElements,
  url: string,
  version: string,
  drm: DrmConfig,
  hooks: PlayerHooks,
): Promise<StartedPlayer> {
  await loadScript(`/static/players/dashjs-${version}.js`);
  const dashjs = (window as unknown as { dashjs: DashGlobal }).dashjs;
  const p = dashjs.MediaPlayer().create();
  const ev = dashjs.MediaPlayer.events;
  p.on(ev.ERROR!, (e) => hooks.error(`dash.js error ${short(e.error)}`));
  const logged: [string | undefined, (e: DashEvent) => string][] = [
    [ev.MANIFEST_LOADED, () => 'manifest loaded'],
    [ev.STREAM_INITIALIZED, () => 'stream initialised'],
    [ev.PLAYBACK_PLAYING, () => 'playing'],
    [ev.PLAYBACK_PAUSED, () => 'paused'],
    [ev.PLAYBACK_WAITING, () => 'waiting'],
    [
      ev.QUALITY_CHANGE_RENDERED,
      (e) => {
        const rep = e.newRepresentation;
        const to = rep
          ? `${rep.id ?? ''}${rep.bandwidth ? ` (${Math.round(rep.bandwidth / 1000)} kbit/s)` : ''}`
          : e.newQuality;
        return `quality change: ${e.mediaType ?? ''} → ${to ?? '?'}`;
      },
    ],
    [ev.PERIOD_SWITCH_COMPLETED, () => 'period change'],
  ];
  for (const [type, text] of logged) if (type) p.on(type, (e) => hooks.log(text(e)));
  const listening = new Set<string>();
  if (ev.MANIFEST_LOADED) {
    p.on(ev.MANIFEST_LOADED, (e) => {
      for (const scheme of eventSchemes(e.data)) {
        if (listening.has(scheme)) continue;
        listening.add(scheme);
        p.on(scheme, (x) => {
          const d = x.event ?? {};
          const value = d.value ?? d.eventStream?.value ?? '';
          const at = d.calculatedPresentationTime ?? d.presentationTime;
          hooks.log(
            `event ${scheme} value=${value} id=${d.id ?? ''} t=${typeof at === 'number' ? at.toFixed(2) : '?'}`,
          );
        });
      }
    });
  }
  if (ev.TEXT_TRACKS_ADDED) p.on(ev.TEXT_TRACKS_ADDED, () => hooks.textTracksChanged?.());
  // ClearKey: dash.js takes the licence URL from the MPD's dashif:Laurl / clearkey:Laurl, which
  // loopcast writes with the same URL the page would give (drm-events.md §4.2). Giving it again as
  // protection data makes dash.js 5 ask EME for a `keyids` request with `cenc` init data, which
  // Chromium refuses (TypeError), so the page only does so for a licence URL the MPD lacks.
  if (drm.clearkey && drm.clearkey !== clearKeyUrlInMpd(url))
    p.setProtectionData({ 'org.w3.clearkey': { serverURL: drm.clearkey } });
  p.initialize(video, url, true);
  p.attachTTMLRenderingDiv(captions);
  // isDynamic() throws until the manifest has been parsed.
  const isLive = () => {
    try {
      return p.isDynamic();
    } catch {
      return null;
    }
  };
  return {
    name: 'dashjs',
    version: p.getVersion?.() ?? version,
    instance: p,
    isLive,
    latency: () => (isLive() ? p.getCurrentLiveLatency() : null),
    bitrate: () => {
      try {
        if (p.getCurrentRepresentationForType)
          return p.getCurrentRepresentationForType('video')?.bandwidth ?? null;
        const index = p.getQualityFor?.('video');
        return index === undefined ? null : (p.getBitrateInfoListFor?.('video')[index]?.bitrate ?? null);
      } catch {
        return null; // not known before the stream is initialised
      }
    },
    textTracks: () =>
      p
        .getTracksFor('text')
        .map((t, i) => ({ id: String(i), lang: t.lang ?? null, label: trackLabel(t.lang, t.roles, i) })),
    selectTextTrack: (id) => {
      p.enableText?.(id !== null);
      p.setTextTrack(id === null ? -1 : Number(id));
    },
    destroy: () => p.reset(),
  };
}

// --- Shaka Player --------------------------------------------------------------------------

interface ShakaErrorEvent {
  detail: { code: number; severity: number; data?: unknown[] };
}
interface ShakaPlayer {
  attach(video: HTMLVideoElement): Promise<void>;
  load(url: string): Promise<void>;
  configure(config: object): boolean;
  addEventListener(type: string, listener: (e: Event & Partial<ShakaErrorEvent>) => void): void;
  isLive(): boolean;
  getPresentationStartTimeAsDate(): Date | null;
  getStats(): { streamBandwidth: number; width: number; height: number };
  getTextTracks(): { id: number; language: string; roles?: string[] }[];
  selectTextTrack(track: object | null): void;
  /** 4.x only; 5.x shows a selected track. */
  setTextTrackVisibility?(on: boolean): void;
  destroy(): Promise<void>;
}
interface ShakaGlobal {
  polyfill: { installAll(): void };
  Player: (new () => ShakaPlayer) & { version: string };
}

async function startShaka(
  video: HTMLVideoElement,
  url: string,
  version: string,
  drm: DrmConfig,
  hooks: PlayerHooks,
): Promise<StartedPlayer> {
  await loadScript(`/static/players/shaka-${version}.js`);
  const shaka = (window as unknown as { shaka: ShakaGlobal }).shaka;
  shaka.polyfill.installAll();
  const p = new shaka.Player();
  await p.attach(video);
  p.addEventListener('error', (e) =>
    hooks.error(`Shaka error ${e.detail?.code ?? '?'} severity ${e.detail?.severity ?? '?'}`),
  );
  p.addEventListener('loaded', () => hooks.log('manifest loaded'));
  p.addEventListener('adaptation', () => hooks.log('quality change'));
  p.addEventListener('trackschanged', () => hooks.textTracksChanged?.());
  p.addEventListener('emsg', (e) => {
    const d = (
      e as Event & { detail?: { schemeIdUri?: string; value?: string; id?: number; startTime?: number } }
    ).detail;
    hooks.log(
      `event ${d?.schemeIdUri ?? ''} value=${d?.value ?? ''} id=${d?.id ?? ''} t=${d?.startTime ?? ''}`,
    );
  });
  p.addEventListener('timelineregionenter', (e) => {
    const d = (
      e as Event & { detail?: { schemeIdUri?: string; value?: string; id?: string; startTime?: number } }
    ).detail;
    hooks.log(
      `event ${d?.schemeIdUri ?? ''} value=${d?.value ?? ''} id=${d?.id ?? ''} t=${d?.startTime ?? ''}`,
    );
  });
  if (drm.clearkey) p.configure({ drm: { servers: { 'org.w3.clearkey': drm.clearkey } } });
  // Shaka applies its low-latency settings only to manifests that signal low latency (dash.md §10.2)
  p.configure({ streaming: { lowLatencyMode: true } });
  const started: StartedPlayer = {
    name: 'shaka',
    version: shaka.Player.version.replace(/^v/, ''),
    instance: p,
    isLive: () => p.isLive(),
    // Shaka has no latency getter: wall clock minus presentation start minus the playhead.
    latency: () => {
      const start = p.isLive() ? p.getPresentationStartTimeAsDate() : null;
      return start ? (Date.now() - start.getTime()) / 1000 - video.currentTime : null;
    },
    bitrate: () => {
      const bw = p.getStats().streamBandwidth;
      return Number.isFinite(bw) && bw > 0 ? bw : null;
    },
    textTracks: () =>
      p.getTextTracks().map((t, i) => ({
        id: String(t.id),
        lang: t.language || null,
        label: trackLabel(t.language, t.roles, i),
      })),
    selectTextTrack: (id) => {
      const track = id === null ? null : (p.getTextTracks().find((t) => String(t.id) === id) ?? null);
      // 4.x has no "no track" selection (null throws inside Shaka): it hides the text instead.
      if (track || !p.setTextTrackVisibility) p.selectTextTrack(track);
      p.setTextTrackVisibility?.(track !== null);
    },
    destroy: () => void p.destroy(),
  };
  try {
    await p.load(url);
  } catch (e) {
    hooks.error(`Shaka load failed ${(e as { code?: number }).code ?? String(e)}`);
  }
  return started;
}

// --- native --------------------------------------------------------------------------------

function startNative(video: HTMLVideoElement, url: string): StartedPlayer {
  video.src = url;
  return {
    name: 'native',
    version: navigator.userAgent,
    instance: null,
    isLive: () => (Number.isFinite(video.duration) ? false : video.duration === Infinity ? true : null),
    latency: () => null,
    bitrate: () => null,
    textTracks: () =>
      Array.from(video.textTracks).map((t, i) => ({
        id: String(i),
        lang: t.language || null,
        label: trackLabel(t.language, [t.kind], i),
      })),
    selectTextTrack: (id) => {
      Array.from(video.textTracks).forEach((t, i) => (t.mode = String(i) === id ? 'showing' : 'disabled'));
    },
    destroy: () => video.removeAttribute('src'),
  };
}

export async function startPlayer(
  name: PlayerName,
  version: string,
  elements: PlayerElements,
  url: string,
  drm: DrmConfig,
  hooks: PlayerHooks,
): Promise<StartedPlayer> {
  if (name === 'dashjs') return startDashjs(elements, url, version, drm, hooks);
  if (name === 'shaka') return startShaka(elements.video, url, version, drm, hooks);
  return startNative(elements.video, url);
}

/** The ClearKey licence URL loopcast writes into the MPD at `url` (drm-events.md §4.2). */
function clearKeyUrlInMpd(url: string): string {
  const u = new URL(url, location.href);
  return (
    u.searchParams.get('clearkey_la_url') ?? u.searchParams.get('clearkey__la_url') ?? `${u.origin}/clearkey`
  );
}
