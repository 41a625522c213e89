/**
 * The init segment of a Representation encrypted on the fly (drm-events.md §8.2): the sample
 * entry becomes `encv`/`enca` with a `sinf` (frma, schm, schi/tenc) appended; everything else is
 * kept, and the sizes of every ancestor are fixed by the writer.
 */
import { boxFromBytes } from '../edit.js';
import { avcC } from '../boxes/avcc.js';
import { hvcC } from '../boxes/hvcc.js';
import { hdlr } from '../boxes/media-header.js';
import type { Box } from '../box.js';
import { parseBoxes } from '../box.js';
import { BmffError } from '../errors.js';
import { serializeBoxes } from '../writer.js';
import type { NalCodec } from './subsamples.js';

export type CencScheme = 'cenc' | 'cbcs';

/** What the fragment encryption needs to know of the track. */
export interface CencTrack {
  kind: 'video' | 'audio' | 'other';
  /** The clear sample entry type (`avc3`, `mp4a`, …). */
  format: string;
  /** Video: NAL length field size and codec family; null when the codec cannot be encrypted. */
  nal: { lengthSize: number; codec: NalCodec } | null;
  /** The parameter-set NAL units of avcC (SPS, PPS) or hvcC (VPS, SPS, PPS), for cbcs slice headers (§8.6). */
  parameterSets: Buffer[];
}

const box = (type: string, payload: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
};
const fullBox = (type: string, version: number, payload: Buffer): Buffer =>
  box(type, Buffer.concat([Buffer.from([version, 0, 0, 0]), payload]));

function sampleEntryOf(boxes: readonly Box[]): { stsd: Box; entry: Box; trak: Box } {
  const trak = boxes.find((b) => b.type === 'moov')?.child('trak');
  const stsd = trak?.find('mdia/minf/stbl/stsd');
  const entry = stsd?.children[0];
  if (!trak || !stsd || !entry) throw new BmffError('unsupported', 'init segment has no sample entry');
  return { stsd, entry, trak };
}

export function cencTrackOf(init: Buffer): CencTrack {
  const { entry, trak } = sampleEntryOf(parseBoxes(init));
  const handler = trak.find('mdia/hdlr')?.get(hdlr).handlerType;
  const kind = handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other';
  let nal: CencTrack['nal'] = null;
  let parameterSets: Buffer[] = [];
  const avc = entry.child('avcC');
  const hevc = entry.child('hvcC');
  if (avc && (entry.type === 'avc1' || entry.type === 'avc3')) {
    const f = avc.get(avcC);
    nal = { lengthSize: f.lengthSizeMinusOne + 1, codec: 'avc' };
    parameterSets = [...f.sps, ...f.pps];
  } else if (hevc && (entry.type === 'hev1' || entry.type === 'hvc1')) {
    const f = hevc.get(hvcC);
    nal = { lengthSize: f.lengthSizeMinusOne + 1, codec: 'hevc' };
    // VPS, SPS, PPS in array order (SEI arrays carry nothing the slice header reads)
    parameterSets = f.arrays
      .filter((a) => a.nalUnitType >= 32 && a.nalUnitType <= 34)
      .flatMap((a) => a.nalUnits);
  }
  return { kind, format: entry.type, nal, parameterSets };
}

export interface InitEncryption {
  scheme: CencScheme;
  /** 32 hex. */
  kid: string;
  /** cbcs only: the Representation's constant IV (§8.5). */
  constantIv?: Buffer;
}

/** §8.2 step 3: tenc for cenc (v0, 8-byte IVs) or cbcs (v1, pattern, constant IV). */
function tencBox(kind: CencTrack['kind'], enc: InitEncryption): Buffer {
  const kid = Buffer.from(enc.kid, 'hex');
  if (enc.scheme === 'cenc') return fullBox('tenc', 0, Buffer.concat([Buffer.from([0, 0, 1, 8]), kid]));
  const iv = enc.constantIv ?? Buffer.alloc(16);
  const pattern = kind === 'video' ? 0x19 : 0x00;
  return fullBox('tenc', 1, Buffer.concat([Buffer.from([0, pattern, 1, 0]), kid, Buffer.from([16]), iv]));
}

export function encryptInit(init: Buffer, enc: InitEncryption): Buffer {
  const boxes = parseBoxes(init);
  const { stsd, entry, trak } = sampleEntryOf(boxes);
  const handler = trak.find('mdia/hdlr')?.get(hdlr).handlerType;
  const kind = handler === 'vide' ? 'video' : 'audio';
  const raw = entry.raw;
  if (!raw || entry.headerSize !== 8) throw new BmffError('unsupported', 'unexpected sample entry layout');
  const schm = fullBox(
    'schm',
    0,
    Buffer.concat([Buffer.from(enc.scheme, 'latin1'), Buffer.from([0, 1, 0, 0])]),
  );
  const sinf = box(
    'sinf',
    Buffer.concat([box('frma', Buffer.from(entry.type, 'latin1')), schm, box('schi', tencBox(kind, enc))]),
  );
  const renamed = Buffer.concat([raw, sinf]);
  renamed.writeUInt32BE(renamed.length, 0);
  renamed.write(kind === 'video' ? 'encv' : 'enca', 4, 'latin1');
  const index = stsd.children.indexOf(entry);
  stsd.remove(entry);
  stsd.insert(boxFromBytes(renamed), index);
  return serializeBoxes(boxes);
}
