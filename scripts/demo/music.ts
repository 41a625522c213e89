/**
 * The demo music library (app.md §11 "Demo content", daap.md §11.1): short tagged tones made
 * with ffmpeg, as MP3 (ID3v2.3 and v2.4) and M4A (iTunes `ilst`), in two albums and one
 * compilation, most with cover art (JPEG in MP3, PNG in M4A) drawn by ffmpeg as well.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ffmpeg, filter, REPRODUCIBLE_OUTPUT } from './ffmpeg.js';
import { withItunesCompilationFrame } from './id3.js';

type Style = 'chord' | 'tremolo' | 'pulse' | 'arpeggio';

interface Tone {
  /** Frequencies in Hz. */
  notes: number[];
  style: Style;
  /** Beats (pulse, arpeggio) or swells (tremolo) per second. */
  rate: number;
  seconds: number;
}

interface Album {
  title: string;
  albumArtist: string;
  year: number;
  compilation: boolean;
  /** Cover card colours; `null` for an album without artwork. */
  cover: { background: string; band: string; text: string } | null;
}

interface Track {
  file: string;
  album: Album;
  title: string;
  artist: string;
  genre: string;
  composer?: string;
  track: [number, number];
  disc: [number, number];
  /** MP3 tracks give their ID3v2 version. */
  format: { kind: 'mp3'; id3: 3 | 4 } | { kind: 'm4a' };
  withCover: boolean;
  tone: Tone;
}

const HARMONIC_HOURS: Album = {
  title: 'Harmonic Hours',
  albumArtist: 'Mira Vale',
  year: 2019,
  compilation: false,
  cover: { background: '0xc8553d', band: '0xf3e9d2', text: '0x3a2e39' },
};

const TIDAL_CIRCUITS: Album = {
  title: 'Tidal Circuits',
  albumArtist: 'The Quiet Engines',
  year: 2022,
  compilation: false,
  cover: { background: '0x1f6f78', band: '0xf2c14e', text: '0x12343b' },
};

const SINE_WAVES_OF_SUMMER: Album = {
  title: 'Sine Waves of Summer',
  albumArtist: 'Various Artists',
  year: 2024,
  compilation: true,
  cover: { background: '0xf28f3b', band: '0x2d3047', text: '0xfff4e0' },
};

// Equal-tempered pitches used by the tones below (A4 = 440 Hz).
const HZ = {
  C4: 261.63,
  D4: 293.66,
  Eb4: 311.13,
  E4: 329.63,
  F4: 349.23,
  G4: 392.0,
  Ab4: 415.3,
  A4: 440.0,
  Bb4: 466.16,
  B4: 493.88,
  C5: 523.25,
  Cs5: 554.37,
  D5: 587.33,
  E5: 659.25,
  Fs5: 739.99,
  G3: 196.0,
  A3: 220.0,
  D3: 146.83,
};

export const MUSIC_TRACKS: readonly Track[] = [
  {
    file: 'mira-vale_first-light.mp3',
    album: HARMONIC_HOURS,
    title: 'First Light',
    artist: 'Mira Vale',
    genre: 'Ambient',
    track: [1, 3],
    disc: [1, 1],
    format: { kind: 'mp3', id3: 4 },
    withCover: true,
    tone: { notes: [HZ.A3, HZ.Cs5, HZ.E5], style: 'chord', rate: 0, seconds: 12 },
  },
  {
    file: 'mira-vale_slow-tide.mp3',
    album: HARMONIC_HOURS,
    title: 'Slow Tide',
    artist: 'Mira Vale',
    genre: 'Ambient',
    track: [2, 3],
    disc: [1, 1],
    format: { kind: 'mp3', id3: 4 },
    withCover: true,
    tone: { notes: [HZ.D3, HZ.F4, HZ.A4], style: 'tremolo', rate: 0.5, seconds: 10 },
  },
  {
    file: 'mira-vale_lanterns.mp3',
    album: HARMONIC_HOURS,
    title: 'Lanterns',
    artist: 'Mira Vale',
    genre: 'Ambient',
    track: [3, 3],
    disc: [1, 1],
    format: { kind: 'mp3', id3: 4 },
    withCover: true,
    tone: { notes: [HZ.E4, HZ.Ab4, HZ.B4, HZ.E5], style: 'arpeggio', rate: 4, seconds: 9 },
  },
  {
    file: 'the-quiet-engines_copper-wire.m4a',
    album: TIDAL_CIRCUITS,
    title: 'Copper Wire',
    artist: 'The Quiet Engines',
    genre: 'Electronic',
    track: [1, 2],
    disc: [1, 2],
    format: { kind: 'm4a' },
    withCover: true,
    tone: { notes: [HZ.C4, HZ.Eb4, HZ.G4], style: 'pulse', rate: 2, seconds: 10 },
  },
  {
    file: 'the-quiet-engines_signal-bloom.m4a',
    album: TIDAL_CIRCUITS,
    title: 'Signal Bloom',
    artist: 'The Quiet Engines',
    genre: 'Electronic',
    track: [2, 2],
    disc: [1, 2],
    format: { kind: 'm4a' },
    withCover: true,
    tone: { notes: [HZ.F4, HZ.A4, HZ.C5, HZ.A4], style: 'arpeggio', rate: 6, seconds: 8 },
  },
  {
    file: 'the-quiet-engines_night-relay.m4a',
    album: TIDAL_CIRCUITS,
    title: 'Night Relay',
    artist: 'The Quiet Engines',
    genre: 'Electronic',
    track: [1, 1],
    disc: [2, 2],
    format: { kind: 'm4a' },
    withCover: true,
    tone: { notes: [HZ.G3, HZ.Bb4, HZ.D5], style: 'tremolo', rate: 3, seconds: 11 },
  },
  {
    file: 'juniper-hale_paper-boats.mp3',
    album: SINE_WAVES_OF_SUMMER,
    title: 'Paper Boats',
    artist: 'Juniper Hale',
    genre: 'Folk',
    track: [1, 4],
    disc: [1, 1],
    format: { kind: 'mp3', id3: 3 },
    withCover: false,
    tone: { notes: [HZ.G4, HZ.B4, HZ.D5], style: 'pulse', rate: 1.5, seconds: 9 },
  },
  {
    file: 'kasimir-oduya_neon-orchard.m4a',
    album: SINE_WAVES_OF_SUMMER,
    title: 'Neon Orchard',
    artist: 'Kasimir Oduya',
    genre: 'Synthpop',
    track: [2, 4],
    disc: [1, 1],
    format: { kind: 'm4a' },
    withCover: true,
    tone: { notes: [HZ.D4, HZ.Fs5, HZ.A4, HZ.D5], style: 'arpeggio', rate: 8, seconds: 10 },
  },
  {
    file: 'ana-sol_five-minute-sunrise.mp3',
    album: SINE_WAVES_OF_SUMMER,
    title: 'Five Minute Sunrise',
    artist: 'Ana Sól',
    genre: 'Bossa Nova',
    track: [3, 4],
    disc: [1, 1],
    format: { kind: 'mp3', id3: 3 },
    withCover: true,
    tone: { notes: [HZ.E4, HZ.G4, HZ.B4, HZ.D5], style: 'chord', rate: 0, seconds: 12 },
  },
  {
    file: 'theo-marchetti_glasshouse.m4a',
    album: SINE_WAVES_OF_SUMMER,
    title: 'Glasshouse',
    artist: 'Theo Marchetti',
    composer: 'Theo Marchetti',
    genre: 'Jazz',
    track: [4, 4],
    disc: [1, 1],
    format: { kind: 'm4a' },
    withCover: false,
    tone: { notes: [HZ.C4, HZ.E4, HZ.Bb4, HZ.D5], style: 'tremolo', rate: 5, seconds: 8 },
  },
];

const SAMPLE_RATE = 44100;
const MUSIC_KBPS = 64;
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';

/** An aevalsrc expression for one tone: a soft start and end around the chosen texture. */
export function toneExpression(tone: Tone): string {
  const { notes, rate, seconds } = tone;
  const sines = notes.map((hz) => `sin(2*PI*${hz}*t)`);
  const envelope = `min(1,t/0.4)*min(1,(${seconds}-t)/1.2)`;
  const chord = `(${sines.join('+')})/${notes.length}`;
  const body = {
    chord: () => chord,
    tremolo: () => `${chord}*(0.65+0.35*sin(2*PI*${rate}*t))`,
    pulse: () => `${chord}*exp(-5*mod(t*${rate},1))`,
    // One note per beat, each decaying before the next so the switch does not click.
    arpeggio: () =>
      `(${sines.map((s, k) => `eq(mod(floor(t*${rate}),${notes.length}),${k})*${s}`).join('+')})` +
      `*exp(-4*mod(t*${rate},1))*(1-exp(-60*mod(t*${rate},1)))`,
  }[tone.style]();
  return `0.5*${envelope}*${body}`;
}

function coverFile(workDir: string, album: Album, kind: 'png' | 'jpg'): string {
  const slug = album.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return path.join(workDir, `cover-${slug}.${kind}`);
}

/** A 300×300 colour card with the album title and album artist. */
async function buildCover(workDir: string, album: Album, kind: 'png' | 'jpg'): Promise<string> {
  const colours = album.cover!;
  const out = coverFile(workDir, album, kind);
  const card = [
    filter('color', { color: colours.background, size: '300x300', duration: 1, rate: 1 }),
    filter('drawbox', { x: 0, y: 196, w: 'iw', h: 64, color: colours.band, t: 'fill' }),
    filter('drawbox', { x: 24, y: 24, w: 252, h: 4, color: colours.band, t: 'fill' }),
    filter('drawtext', {
      fontfile: `${FONT_DIR}/DejaVuSans-Bold.ttf`,
      fontsize: album.title.length > 16 ? 20 : 28,
      fontcolor: 'white',
      x: '(w-tw)/2',
      y: 84,
      text: album.title,
    }),
    filter('drawtext', {
      fontfile: `${FONT_DIR}/DejaVuSans.ttf`,
      fontsize: 20,
      fontcolor: colours.text,
      x: '(w-tw)/2',
      y: 217,
      text: album.albumArtist,
    }),
  ].join(',');
  const codec = kind === 'png' ? ['-c:v', 'png'] : ['-c:v', 'mjpeg', '-q:v', '3', '-flags:v', '+bitexact'];
  await ffmpeg(['-f', 'lavfi', '-i', card, '-frames:v', '1', ...codec, ...REPRODUCIBLE_OUTPUT, out]);
  return out;
}

function tagArgs(track: Track): string[] {
  const { album } = track;
  const tags: Record<string, string> = {
    title: track.title,
    artist: track.artist,
    album_artist: album.albumArtist,
    album: album.title,
    track: track.track.join('/'),
    disc: track.disc.join('/'),
    date: String(album.year),
    genre: track.genre,
  };
  if (track.composer) tags.composer = track.composer;
  if (album.compilation) tags.compilation = '1';
  return Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
}

function coverArgs(track: Track): string[] {
  if (!track.withCover) return ['-map', '0:a'];
  const args = ['-map', '0:a', '-map', '1:v', '-c:v', 'copy', '-disposition:v:0', 'attached_pic'];
  // ID3 APIC: the picture type comes from the comment, "Cover (front)" is type 3.
  if (track.format.kind === 'mp3')
    args.push('-metadata:s:v:0', 'title=Album cover', '-metadata:s:v:0', 'comment=Cover (front)');
  return args;
}

function codecArgs(track: Track): string[] {
  const common = ['-ar', String(SAMPLE_RATE), '-ac', '2', '-b:a', `${MUSIC_KBPS}k`];
  if (track.format.kind === 'mp3')
    return ['-c:a', 'libmp3lame', ...common, '-id3v2_version', String(track.format.id3), '-f', 'mp3'];
  // The ipod muxer writes an M4A brand and the iTunes ilst tags.
  return ['-c:a', 'aac', '-profile:a', 'aac_low', ...common, '-f', 'ipod'];
}

async function buildTrack(outDir: string, workDir: string, track: Track): Promise<string> {
  const out = path.join(outDir, track.file);
  const tone = filter('aevalsrc', {
    exprs: toneExpression(track.tone),
    sample_rate: SAMPLE_RATE,
    duration: track.tone.seconds,
    channel_layout: 'stereo',
  });
  const coverInput = track.withCover
    ? ['-i', coverFile(workDir, track.album, track.format.kind === 'mp3' ? 'jpg' : 'png')]
    : [];
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    tone,
    ...coverInput,
    ...coverArgs(track),
    ...codecArgs(track),
    ...REPRODUCIBLE_OUTPUT,
    ...tagArgs(track),
    out,
  ]);
  if (track.format.kind === 'mp3' && track.album.compilation)
    await writeFile(out, withItunesCompilationFrame(await readFile(out)));
  return out;
}

/** Builds every cover the catalogue needs (each album once per image format), then the tracks. */
export async function buildMusic(outDir: string, workDir: string): Promise<string[]> {
  const covers = new Set<string>();
  for (const track of MUSIC_TRACKS) {
    if (!track.withCover) continue;
    const kind = track.format.kind === 'mp3' ? 'jpg' : 'png';
    const key = coverFile(workDir, track.album, kind);
    if (covers.has(key)) continue;
    covers.add(key);
    await buildCover(workDir, track.album, kind);
  }
  const files: string[] = [];
  for (const track of MUSIC_TRACKS) files.push(await buildTrack(outDir, workDir, track));
  return files;
}
