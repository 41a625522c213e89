/**
 * What the indexer learns from the moov of a one-track file: handler, sample entry and codec,
 * timescale, track id, language, picture and sound parameters, protection (spec dash.md §5.2).
 */
import type { Box } from '../box.js';
import { ACMOD_CHANNELS, dac3, dec3 } from '../boxes/ac3.js';
import { audioEntries, type AudioSampleEntryFields } from '../boxes/audio-entry.js';
import { avcC } from '../boxes/avcc.js';
import { btrt, pasp } from '../boxes/btrt-pasp.js';
import { dOps } from '../boxes/dops.js';
import { decoderConfig, esds } from '../boxes/esds.js';
import { hvcC } from '../boxes/hvcc.js';
import { elng, hdlr, mdhd } from '../boxes/media-header.js';
import { trex, type TrexFields } from '../boxes/movie-extends.js';
import { pssh } from '../boxes/pssh.js';
import { frma, schm } from '../boxes/scheme.js';
import { tenc } from '../boxes/tenc.js';
import { mime } from '../boxes/text-entry.js';
import { tkhd } from '../boxes/track-header.js';
import { visualEntries } from '../boxes/visual-entry.js';
import { codecString } from '../codec-string.js';
import { BmffError } from '../errors.js';
import { isLanguageTag, unpackLanguage } from '../language.js';
import type { MediaIndex } from './media-index.js';

export interface TrackInfo {
  contentType: MediaIndex['contentType'];
  sampleEntry: string;
  codecs: string;
  timescale: number;
  trackId: number;
  language: string | null;
  trex: TrexFields | undefined;
  video?: { width: number; height: number; sar: string; nalLengthSize?: number };
  audio?: { entryRate: number; channels: number; configRate?: number };
  text?: NonNullable<MediaIndex['text']>;
  encryption?: NonNullable<MediaIndex['encryption']>;
  avgBitrate?: number;
}

const HANDLERS: Record<string, MediaIndex['contentType']> = {
  vide: 'video',
  soun: 'audio',
  text: 'text',
  subt: 'text',
  sbtl: 'text',
};
const VISUAL = new Set(visualEntries.map((e) => e.type));
const AUDIO = new Set(audioEntries.map((e) => e.type));

export function describeTrack(moov: Box): TrackInfo {
  const traks = moov.all('trak');
  if (traks.length !== 1) {
    throw new BmffError(
      traks.length ? 'several-tracks' : 'parse',
      `${traks.length} tracks; exactly one is supported`,
    );
  }
  const trak = traks[0]!;
  const need = (path: string): Box => {
    const b = trak.find(path);
    if (!b) throw new BmffError('parse', `trak has no ${path}`);
    return b;
  };
  const handler = need('mdia/hdlr').get(hdlr).handlerType;
  const contentType = HANDLERS[handler];
  if (!contentType) throw new BmffError('parse', `unsupported handler '${handler}'`);
  const md = need('mdia/mdhd').get(mdhd);
  if (md.timescale === 0) throw new BmffError('parse', 'mdhd timescale is 0');
  const trackId = need('tkhd').get(tkhd).trackId;
  const entry = need('mdia/minf/stbl/stsd').children[0];
  if (!entry) throw new BmffError('parse', 'stsd has no sample entry');
  const sinf = entry.child('sinf');
  const format = sinf?.child('frma')?.get(frma).dataFormat ?? entry.type;
  const info: TrackInfo = {
    contentType,
    sampleEntry: format,
    codecs: codecString(entry, format),
    timescale: md.timescale,
    trackId,
    language: language(trak, md.language),
    trex: moov
      .find('mvex')
      ?.all('trex')
      .map((b) => b.get(trex))
      .find((t) => t.trackId === trackId),
  };
  const bt = entry.child('btrt')?.get(btrt);
  if (bt) info.avgBitrate = bt.avgBitrate;
  if (VISUAL.has(entry.type)) {
    const v = entry.fields as { width: number; height: number };
    const p = entry.child('pasp')?.get(pasp);
    const cfg = entry.child('avcC')?.get(avcC) ?? entry.child('hvcC')?.get(hvcC);
    info.video = {
      width: v.width,
      height: v.height,
      sar: p && p.hSpacing && p.vSpacing ? `${p.hSpacing}:${p.vSpacing}` : '1:1',
    };
    if (cfg) info.video.nalLengthSize = cfg.lengthSizeMinusOne + 1;
  } else if (AUDIO.has(entry.type)) {
    info.audio = audioParams(entry, format);
  }
  if (contentType === 'text') {
    const m = entry.child('mime')?.get(mime).contentType;
    if (format === 'stpp' || format === 'wvtt') info.text = m ? { format, mimeType: m } : { format };
  }
  if (sinf) info.encryption = encryption(moov, sinf);
  return info;
}

function language(trak: Box, packed: number): string | null {
  const ext = trak.find('mdia/elng')?.get(elng).extendedLanguage;
  if (ext !== undefined && ext !== '') {
    if (!isLanguageTag(ext)) throw new BmffError('bad-language', `elng '${ext}' is not a language tag`);
    return ext === 'und' ? null : ext;
  }
  const code = packed & 0x7fff;
  if (code === 0) return null; // never set
  const s = unpackLanguage(code);
  if (s === null)
    throw new BmffError('bad-language', `mdhd language 0x${code.toString(16)} is not an ISO-639-2 code`);
  return s === 'und' ? null : s;
}

function audioParams(entry: Box, format: string): NonNullable<TrackInfo['audio']> {
  const a = entry.fields as AudioSampleEntryFields;
  const out: NonNullable<TrackInfo['audio']> = { entryRate: a.sampleRate >>> 16, channels: a.channelCount };
  if (format === 'mp4a') {
    const e = entry.child('esds');
    const dc = e ? decoderConfig(e.get(esds)) : undefined;
    // channel configuration 7 is 7.1, i.e. 8 channels (14496-3 Table 1.19)
    if (dc?.channelConfiguration) out.channels = dc.channelConfiguration === 7 ? 8 : dc.channelConfiguration;
    if (dc?.samplingFrequency) out.configRate = dc.samplingFrequency;
  } else if (format === 'ec-3') {
    const d = entry.child('dec3')?.get(dec3);
    if (d?.substreams.length)
      out.channels = d.substreams.reduce((n, s) => n + (ACMOD_CHANNELS[s.acmod] ?? 0) + s.lfeon, 0);
  } else if (format === 'ac-3') {
    const d = entry.child('dac3')?.get(dac3);
    if (d) out.channels = (ACMOD_CHANNELS[d.acmod] ?? 0) + d.lfeon;
  } else if (format === 'Opus') {
    const d = entry.child('dOps')?.get(dOps);
    if (d) out.channels = d.outputChannelCount;
  }
  return out;
}

/** The sample rate in Hz: the sample entry's, else the one the decoder configuration states. */
export function audioSampleRate(t: TrackInfo): number {
  return t.audio?.entryRate || t.audio?.configRate || 0;
}

function encryption(moov: Box, sinf: Box): NonNullable<MediaIndex['encryption']> {
  const scheme = sinf.child('schm')?.get(schm).schemeType ?? '';
  const te = sinf.find('schi/tenc')?.get(tenc);
  const kids: string[] = [];
  const add = (k: string): void => {
    if (k && !/^0+$/.test(k) && !kids.includes(k)) kids.push(k);
  };
  if (te) add(te.defaultKid);
  for (const p of moov.all('pssh')) for (const k of p.get(pssh).kids) add(k);
  return {
    scheme,
    defaultKid: te?.defaultKid ?? '',
    ivSize: te ? te.defaultPerSampleIvSize || (te.defaultConstantIv?.length ?? 0) / 2 : 0,
    kids,
  };
}
