/**
 * §4.9 init segments and the init-side protection checks of §4.7 (CP_STATE, CP_MP4PROTECTION,
 * CP_DEFAULT_KID). Boxes come from @loopcast/bmff; the facts extracted here (track id, timescale,
 * trex defaults, tenc) feed the media segment checks.
 */
import {
  avcC,
  hvcC,
  codecString,
  decoderConfig,
  esds,
  frma,
  hdlr,
  mdhd,
  parseBoxes,
  pssh,
  schm,
  tenc,
  tkhd,
  trex,
  type AudioSampleEntryFields,
  type Box,
  type TencFields,
  type TrexFields,
  type VisualSampleEntryFields,
} from '@loopcast/bmff';
import type { IssueSink } from '../issues.js';
import type { MpdModel, RepresentationModel } from '../mpd.js';
import { parsePlayReadyObject } from '../decode/playready.js';
import { parseWidevineData } from '../decode/widevine.js';
import type { IssueLocation } from '../types.js';
import { setProtection, SYSTEMS } from './protection.js';

export interface InitFacts {
  trackId: number;
  timescale: number;
  handler: string;
  /** The original format (frma) for encv/enca. */
  format: string;
  codecs: string;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  encrypted: boolean;
  scheme?: string;
  /** Bytes of each NAL unit length field (avcC/hvcC), for MEDIA_NAL_CLEAR. */
  nalLengthSize?: number;
  tenc?: TencFields;
  trex?: TrexFields;
  kids: string[];
}

export interface InitInput {
  mpd: MpdModel;
  rep: RepresentationModel;
  body: Uint8Array;
  location: IssueLocation;
  sink: IssueSink;
}

const withBox = (loc: IssueLocation, box: string, offset?: number): IssueLocation =>
  loc.kind === 'segment' ? { ...loc, box, ...(offset !== undefined && { offset }) } : loc;

const VISUAL = new Set([
  'avc1',
  'avc3',
  'avc2',
  'avc4',
  'hev1',
  'hvc1',
  'av01',
  'vp09',
  'encv',
  'dvh1',
  'dvhe',
]);
const AUDIO = new Set(['mp4a', 'ac-3', 'ec-3', 'Opus', 'enca', 'fLaC', 'ac-4']);

/** Compares codec strings with hex digits case-insensitive (RFC 6381). */
export function sameCodecs(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function checkInitSegment(input: InitInput): InitFacts | undefined {
  const { rep, sink, location: loc } = input;
  const add = (code: Parameters<IssueSink['add']>[0], message: string, l: IssueLocation = loc): void =>
    sink.add(code, message, l, { path: rep.path });
  let boxes: Box[];
  try {
    boxes = parseBoxes(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength));
  } catch (err) {
    add('INIT_BOXES', `the init segment does not parse as boxes: ${(err as Error).message}`);
    return undefined;
  }
  const types = boxes.map((b) => b.type);
  if (types[0] !== 'ftyp' && types[0] !== 'styp')
    add('INIT_BOXES', `the init segment starts with ${types[0]}, not ftyp`);
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov) {
    add('INIT_BOXES', `the init segment has no moov (top level: ${types.join(', ')})`);
    return undefined;
  }
  for (const t of ['moof', 'mdat']) if (types.includes(t)) add('INIT_BOXES', `the init segment holds a ${t}`);
  try {
    return initFacts(input, moov, add);
  } catch (err) {
    add(
      'INIT_BOXES',
      `the moov does not parse: ${(err as Error).message}`,
      withBox(loc, 'moov', moov.offset),
    );
    return undefined;
  }
}

function initFacts(
  input: InitInput,
  moov: Box,
  add: (code: Parameters<IssueSink['add']>[0], message: string, l?: IssueLocation) => void,
): InitFacts | undefined {
  const { rep, location: loc, mpd } = input;
  const traks = moov.all('trak');
  if (traks.length !== 1)
    add('INIT_ONE_TRACK', `the moov has ${traks.length} tracks, not one`, withBox(loc, 'moov', moov.offset));
  const trak = traks[0];
  if (!trak) {
    add('INIT_BOXES', 'the moov has no trak', withBox(loc, 'moov', moov.offset));
    return undefined;
  }
  const trackId = trak.child('tkhd')?.get(tkhd).trackId ?? 0;
  const timescale = trak.find('mdia/mdhd')?.get(mdhd).timescale ?? 0;
  const handler = trak.find('mdia/hdlr')?.get(hdlr).handlerType ?? '';
  const entry = trak.find('mdia/minf/stbl/stsd')?.children[0];
  const trexes =
    moov
      .find('mvex')
      ?.all('trex')
      .map((b) => b.get(trex)) ?? [];
  const tr = trexes.find((t) => t.trackId === trackId);
  if (!moov.child('mvex'))
    add(
      'INIT_FRAGMENTED',
      'the moov has no mvex: the file is not fragmented',
      withBox(loc, 'moov', moov.offset),
    );
  else if (!tr)
    add(
      'INIT_FRAGMENTED',
      `moov/mvex has no trex for track ${trackId}`,
      withBox(loc, 'moov/mvex', moov.child('mvex')!.offset),
    );
  if (!entry) {
    add('INIT_BOXES', 'the sample description has no entry', withBox(loc, 'moov/trak/mdia/minf/stbl/stsd'));
    return undefined;
  }
  const sinf = entry.child('sinf');
  const format = sinf?.child('frma')?.get(frma).dataFormat ?? entry.type;
  const codecs = codecString(entry, format);
  const facts: InitFacts = {
    trackId,
    timescale,
    handler,
    format,
    codecs,
    encrypted: entry.type === 'encv' || entry.type === 'enca',
    kids: [],
  };
  if (tr) facts.trex = tr;
  const entryPath = `moov/trak/mdia/minf/stbl/stsd/${entry.type}`;
  if (rep.codecs !== undefined && !sameCodecs(codecs, rep.codecs))
    add(
      'INIT_CODECS',
      `the sample entry gives codecs "${codecs}" but @codecs is "${rep.codecs}"`,
      withBox(loc, entryPath, entry.offset),
    );
  if (VISUAL.has(entry.type)) {
    const v = entry.fields as VisualSampleEntryFields;
    const cfg = entry.child('avcC')?.get(avcC) ?? entry.child('hvcC')?.get(hvcC);
    if (cfg) facts.nalLengthSize = cfg.lengthSizeMinusOne + 1;
    facts.width = v.width;
    facts.height = v.height;
    if (
      (rep.width !== undefined && rep.width !== v.width) ||
      (rep.height !== undefined && rep.height !== v.height)
    )
      add(
        'INIT_SIZE',
        `the sample entry is ${v.width}×${v.height} but the MPD says ${rep.width ?? '?'}×${rep.height ?? '?'}`,
        withBox(loc, entryPath, entry.offset),
      );
  } else if (AUDIO.has(entry.type)) {
    const a = entry.fields as AudioSampleEntryFields;
    facts.channels = a.channelCount;
    let rate = a.sampleRate >>> 16;
    if (format === 'mp4a') {
      const e = entry.child('esds');
      const dc = e ? decoderConfig(e.get(esds)) : undefined;
      if (!rate && dc?.samplingFrequency) rate = dc.samplingFrequency;
      if (dc?.channelConfiguration)
        facts.channels = dc.channelConfiguration === 7 ? 8 : dc.channelConfiguration;
    }
    facts.sampleRate = rate;
    // HE-AAC signals half the output rate in the entry; both are accepted
    if (
      rep.audioSamplingRate !== undefined &&
      rep.audioSamplingRate !== rate &&
      rep.audioSamplingRate !== rate * 2
    )
      add(
        'INIT_SAMPLE_RATE',
        `the sample entry rate is ${rate} Hz but @audioSamplingRate is ${rep.audioSamplingRate}`,
        withBox(loc, entryPath, entry.offset),
      );
  }
  // encryption (23001-7 8.2)
  if (sinf) {
    const sch = sinf.child('schm')?.get(schm);
    const te = sinf.find('schi/tenc')?.get(tenc);
    const sinfPath = `${entryPath}/sinf`;
    if (!sinf.child('frma') || !sch || !te)
      add(
        'INIT_ENCRYPTION',
        `sinf lacks ${[!sinf.child('frma') && 'frma', !sch && 'schm', !te && 'schi/tenc'].filter(Boolean).join(', ')}`,
        withBox(loc, sinfPath, sinf.offset),
      );
    if (sch) {
      facts.scheme = sch.schemeType;
      if (!['cenc', 'cbcs', 'cens', 'cbc1'].includes(sch.schemeType))
        add(
          'INIT_ENCRYPTION',
          `schm scheme "${sch.schemeType}" is not cenc, cbcs, cens or cbc1`,
          withBox(loc, `${sinfPath}/schm`),
        );
      if (sch.schemeVersion !== 0x10000)
        add(
          'INIT_ENCRYPTION',
          `schm version 0x${sch.schemeVersion.toString(16)} is not 0x10000`,
          withBox(loc, `${sinfPath}/schm`),
        );
    }
    if (te) {
      facts.tenc = te;
      facts.kids.push(te.defaultKid);
      const iv = te.defaultPerSampleIvSize;
      if (![0, 8, 16].includes(iv))
        add(
          'INIT_ENCRYPTION',
          `tenc per-sample IV size ${iv} is not 0, 8 or 16`,
          withBox(loc, `${sinfPath}/schi/tenc`),
        );
      if (te.defaultIsProtected === 1 && iv === 0 && ![16, 32].includes(te.defaultConstantIv?.length ?? 0))
        add(
          'INIT_ENCRYPTION',
          'tenc has IV size 0 without a constant IV of 8 or 16 bytes',
          withBox(loc, `${sinfPath}/schi/tenc`),
        );
      if (sch?.schemeType === 'cbcs' && handler === 'vide' && te.defaultCryptByteBlock === 0)
        add(
          'INIT_ENCRYPTION',
          'cbcs video without an encryption pattern',
          withBox(loc, `${sinfPath}/schi/tenc`),
        );
    }
  }
  for (const p of moov.all('pssh')) {
    try {
      const f = p.get(pssh);
      for (const k of f.kids) if (!facts.kids.includes(k)) facts.kids.push(k);
      if (!facts.encrypted)
        add(
          'INIT_PSSH',
          `a pssh of system ${f.systemId} in a clear init segment`,
          withBox(loc, 'moov/pssh', p.offset),
        );
      if (f.systemId === SYSTEMS.playready || f.systemId === SYSTEMS.playreadyLegacy) {
        const r = parsePlayReadyObject(f.data);
        if (!r.ok)
          add(
            'INIT_PSSH',
            `the PlayReady pssh does not hold a valid PRO: ${r.reason}`,
            withBox(loc, 'moov/pssh', p.offset),
          );
      }
      if (f.systemId === SYSTEMS.widevine) {
        // drm-events.md §4.6: the Data is a WidevinePsshData message
        const w = parseWidevineData(f.data);
        if (!w.ok)
          add(
            'INIT_PSSH',
            `the Widevine pssh data does not parse: ${w.reason}`,
            withBox(loc, 'moov/pssh', p.offset),
          );
      }
    } catch (err) {
      add(
        'INIT_PSSH',
        `a pssh does not parse: ${(err as Error).message}`,
        withBox(loc, 'moov/pssh', p.offset),
      );
    }
  }
  // MPD ↔ init protection (§4.7)
  const prot = setProtection(rep.contentProtection);
  if (facts.encrypted && rep.contentProtection.length === 0)
    add('CP_STATE', `the init segment is encrypted (${entry.type}) but the MPD signals no ContentProtection`);
  if (!facts.encrypted && rep.contentProtection.length > 0)
    add('CP_STATE', `the MPD signals ContentProtection but the init segment is clear (${entry.type})`);
  if (facts.encrypted && prot.scheme && facts.scheme && prot.scheme !== facts.scheme)
    add('CP_MP4PROTECTION', `mp4protection @value "${prot.scheme}" differs from schm "${facts.scheme}"`);
  if (facts.encrypted && prot.defaultKid && facts.tenc && prot.defaultKid !== facts.tenc.defaultKid)
    add('CP_DEFAULT_KID', `cenc:default_KID ${prot.defaultKid} differs from tenc ${facts.tenc.defaultKid}`);
  if (mpd.type === 'dynamic' && moov.find('mvex/mehd'))
    add(
      'INIT_MEHD_LIVE',
      'the init segment of a dynamic stream has mehd (a fixed fragment duration)',
      withBox(loc, 'moov/mvex/mehd'),
    );
  return facts;
}
