/**
 * Writes a complete fragmented MP4 holding one TTML text track (ISO/IEC 14496-30 `stpp`
 * sample entry, carried as in the DASH-IF IOP): ftyp, moov with mvex/trex, then one moof+mdat
 * per fragment, each with one sample that is a whole EBU-TT-D / IMSC1 style document of the
 * cues overlapping that fragment. Times are on the track's media timeline
 * (`ttp:timeBase="media"`), as in the bbb text track, so a rewrite of tfdt per loop
 * (spec dash.md §9.4) keeps them in step.
 */
import { box, fullBox, uints } from '../build.js';
import { packLanguage, toIso639_2 } from '../language.js';

export interface TextCue {
  start: number;
  end: number;
  text: string;
} // seconds on the media timeline

export interface StppTrackOptions {
  cues: TextCue[];
  language: string;
  trackId: number;
  timescale: number;
  fragmentDuration: number /* seconds */;
  totalDuration: number /* seconds */;
}

const TTML_NS = 'http://www.w3.org/ns/ttml';
const MATRIX = uints(
  [4, 0x10000],
  [4, 0],
  [4, 0],
  [4, 0],
  [4, 0x10000],
  [4, 0],
  [4, 0],
  [4, 0],
  [4, 0x40000000],
);

export function buildStppTrack(opts: StppTrackOptions): Buffer {
  const { trackId, timescale, fragmentDuration, totalDuration } = opts;
  if (!(timescale > 0 && Number.isInteger(timescale)))
    throw new RangeError('timescale must be a positive integer');
  if (!(fragmentDuration > 0) || !(totalDuration > 0)) throw new RangeError('durations must be positive');
  if (!(trackId > 0 && Number.isInteger(trackId))) throw new RangeError('trackId must be a positive integer');
  const count = Math.max(1, Math.ceil(totalDuration / fragmentDuration - 1e-9));
  const parts: Buffer[] = [ftyp(), moov(opts)];
  for (let i = 0; i < count; i++) {
    const start = i * fragmentDuration;
    const end = Math.min((i + 1) * fragmentDuration, totalDuration);
    const t0 = Math.round(start * timescale);
    const t1 = Math.round(end * timescale);
    const doc = Buffer.from(ttmlDocument(opts, start, end), 'utf8');
    parts.push(...fragment(trackId, i + 1, t0, t1 - t0, doc));
  }
  return Buffer.concat(parts);
}

function ftyp(): Buffer {
  return box('ftyp', Buffer.from('iso6', 'latin1'), uints([4, 0]), Buffer.from('iso6isomdashcmfc', 'latin1'));
}

function moov(o: StppTrackOptions): Buffer {
  const durMs = Math.round(o.totalDuration * 1000);
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    uints([4, 0], [4, 0], [4, 1000], [4, 0], [4, 0x10000], [2, 0x100], [2, 0], [4, 0], [4, 0]),
    MATRIX,
    Buffer.alloc(24),
    uints([4, o.trackId + 1]),
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3, // enabled, in movie
    uints([4, 0], [4, 0], [4, o.trackId], [4, 0], [4, 0], [4, 0], [4, 0], [2, 0], [2, 0], [2, 0], [2, 0]),
    MATRIX,
    uints([4, 0], [4, 0]),
  );
  const iso = toIso639_2(o.language);
  const mdhd = fullBox(
    'mdhd',
    0,
    0,
    uints([4, 0], [4, 0], [4, o.timescale], [4, 0], [2, packLanguage(iso)], [2, 0]),
  );
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    uints([4, 0]),
    Buffer.from('subt', 'latin1'),
    Buffer.alloc(12),
    Buffer.from('loopcast stpp\0'),
  );
  // elng (§8.4.6) carries the BCP-47 tag when it says more than the mdhd code.
  const elng =
    o.language && o.language !== iso ? [fullBox('elng', 0, 0, Buffer.from(`${o.language}\0`))] : [];
  const stpp = box(
    'stpp',
    uints([4, 0], [2, 0], [2, 1]), // reserved, data_reference_index
    Buffer.from(`${TTML_NS}\0\0\0`, 'utf8'), // namespace, schema_location, auxiliary_mime_types
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, uints([4, 1]), stpp),
    fullBox('stts', 0, 0, uints([4, 0])),
    fullBox('stsc', 0, 0, uints([4, 0])),
    fullBox('stsz', 0, 0, uints([4, 0], [4, 0])),
    fullBox('stco', 0, 0, uints([4, 0])),
  );
  const dinf = box('dinf', fullBox('dref', 0, 0, uints([4, 1]), fullBox('url ', 0, 1)));
  const minf = box('minf', fullBox('sthd', 0, 0), dinf, stbl);
  const trak = box('trak', tkhd, box('mdia', mdhd, ...elng, hdlr, minf));
  const mvex = box(
    'mvex',
    fullBox('mehd', 0, 0, uints([4, durMs])),
    fullBox('trex', 0, 0, uints([4, o.trackId], [4, 1], [4, 0], [4, 0], [4, 0])),
  );
  return box('moov', mvhd, mvex, trak);
}

function fragment(
  trackId: number,
  seq: number,
  decodeTime: number,
  duration: number,
  sample: Buffer,
): Buffer[] {
  const build = (dataOffset: number): Buffer =>
    box(
      'moof',
      fullBox('mfhd', 0, 0, uints([4, seq])),
      box(
        'traf',
        fullBox('tfhd', 0, 0x020000, uints([4, trackId])), // default-base-is-moof
        fullBox('tfdt', 1, 0, uints([8, decodeTime])),
        // data-offset, sample-duration, sample-size present; one sample (a sync sample by trex)
        fullBox('trun', 0, 0x000301, uints([4, 1], [4, dataOffset], [4, duration], [4, sample.length])),
      ),
    );
  const size = build(0).length;
  return [build(size + 8), box('mdat', sample)];
}

function ttmlDocument(o: StppTrackOptions, start: number, end: number): string {
  const lang = escapeXml(o.language || 'und');
  const ps: string[] = [];
  let n = 0;
  for (const cue of o.cues) {
    if (!(cue.start < end && cue.end > start)) continue;
    const b = Math.max(cue.start, start);
    const e = Math.min(cue.end, end);
    const lines = cue.text.split(/\r?\n/).map(escapeXml).join('<br/>');
    ps.push(
      `      <p xml:id="c${n++}" begin="${clock(b)}" end="${clock(e)}"><span style="s1">${lines}</span></p>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<tt xmlns="${TTML_NS}" xmlns:ttp="${TTML_NS}#parameter" xmlns:tts="${TTML_NS}#styling"` +
      ` xmlns:ebuttm="urn:ebu:tt:metadata" xml:lang="${lang}" ttp:timeBase="media" ttp:cellResolution="32 15">`,
    '  <head>',
    '    <metadata><ebuttm:documentMetadata>' +
      '<ebuttm:conformsToStandard>urn:ebu:tt:distribution:2014-01</ebuttm:conformsToStandard>' +
      '</ebuttm:documentMetadata></metadata>',
    '    <styling>',
    '      <style xml:id="s0" tts:fontFamily="sansSerif" tts:fontSize="100%" tts:textAlign="center"/>',
    '      <style xml:id="s1" tts:color="#FFFFFF" tts:backgroundColor="#000000C0"/>',
    '    </styling>',
    '    <layout><region xml:id="r0" tts:origin="10% 80%" tts:extent="80% 15%" tts:displayAlign="after"/></layout>',
    '  </head>',
    '  <body style="s0">',
    ps.length ? `    <div region="r0">\n${ps.join('\n')}\n    </div>` : '    <div region="r0"/>',
    '  </body>',
    '</tt>',
    '',
  ].join('\n');
}

/** Media time as hh:mm:ss.mmm (TTML clock time, at least two hour digits). */
function clock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3600000);
  const m = Math.floor(ms / 60000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const f = ms % 1000;
  const p = (v: number, w: number): string => String(v).padStart(w, '0');
  return `${p(h, 2)}:${p(m, 2)}:${p(s, 2)}.${p(f, 3)}`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
