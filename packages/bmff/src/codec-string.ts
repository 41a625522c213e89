/**
 * RFC 6381 `codecs` values from a sample entry box and its configuration children:
 * avc1/avc3 (14496-15 Annex E), hev1/hvc1 (14496-15 Annex E.3), av01 (AV1-ISOBMFF §5),
 * vp09 (VP-ISOBMFF "Codecs Parameter String"), mp4a.OTI[.AOT] (RFC 6381 §3.3), ac-3, ec-3,
 * opus, stpp[.ttml.<profile>] (14496-30, DASH-IF IOP), wvtt, tx3g.
 */
import type { Box } from './box.js';
import { av1C } from './boxes/av1c.js';
import { avcC } from './boxes/avcc.js';
import { decoderConfig, esds } from './boxes/esds.js';
import { hvcC } from './boxes/hvcc.js';
import { mime } from './boxes/text-entry.js';
import { vpcC } from './boxes/vpcc.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const dec2 = (n: number): string => String(n).padStart(2, '0');

/** @param entry the sample entry box (encv/enca included)
 *  @param format the original format (frma) for encrypted entries, else the entry type */
export function codecString(entry: Box, format = entry.type): string {
  switch (format) {
    case 'avc1':
    case 'avc3':
    case 'avc2':
    case 'avc4': {
      const c = entry.child('avcC')?.get(avcC);
      return c
        ? `${format}.${hex2(c.profileIndication)}${hex2(c.profileCompatibility)}${hex2(c.levelIndication)}`
        : format;
    }
    case 'hev1':
    case 'hvc1': {
      const c = entry.child('hvcC')?.get(hvcC);
      if (!c) return format;
      let compat = 0;
      for (let i = 0; i < 32; i++) if (c.generalProfileCompatibilityFlags & (1 << i)) compat |= 1 << (31 - i);
      const constraints = Buffer.from(c.generalConstraintIndicatorFlags, 'hex');
      let n = constraints.length;
      while (n > 0 && constraints[n - 1] === 0) n--;
      const parts = [
        format,
        `${['', 'A', 'B', 'C'][c.generalProfileSpace] ?? ''}${c.generalProfileIdc}`,
        (compat >>> 0).toString(16).toUpperCase(),
        `${c.generalTierFlag ? 'H' : 'L'}${c.generalLevelIdc}`,
        ...[...constraints.subarray(0, n)].map((b) => b.toString(16).toUpperCase()),
      ];
      return parts.join('.');
    }
    case 'av01': {
      const c = entry.child('av1C')?.get(av1C);
      if (!c) return format;
      const depth = c.highBitdepth ? (c.twelveBit ? 12 : 10) : 8;
      return `av01.${c.seqProfile}.${dec2(c.seqLevelIdx0)}${c.seqTier0 ? 'H' : 'M'}.${dec2(depth)}`;
    }
    case 'vp09': {
      const c = entry.child('vpcC')?.get(vpcC);
      return c ? `vp09.${dec2(c.profile)}.${dec2(c.level)}.${dec2(c.bitDepth)}` : format;
    }
    case 'mp4a': {
      const e = entry.child('esds');
      const dc = e ? decoderConfig(e.get(esds)) : undefined;
      if (!dc) return format;
      const oti = hex2(dc.objectTypeIndication);
      return dc.objectTypeIndication === 0x40 && dc.audioObjectType
        ? `mp4a.${oti}.${dc.audioObjectType}`
        : `mp4a.${oti}`;
    }
    case 'Opus':
      return 'opus';
    case 'stpp': {
      const m = entry.child('mime')?.get(mime).contentType;
      const profile = m ? /codecs=["']?([A-Za-z0-9]+)/.exec(m)?.[1] : undefined;
      return profile ? `stpp.ttml.${profile}` : 'stpp';
    }
    default:
      return format;
  }
}
