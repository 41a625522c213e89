/**
 * splice_info_section (SCTE 35 §9.6; drm-events.md §9.6): header, CRC-32/MPEG-2 and the command
 * fields the event checks compare (splice_insert's out-of-network flag, splice time and break
 * duration; time_signal's splice time).
 */
import { crc32Mpeg2 } from '../../events/scte35.js';

export interface SpliceInfo {
  commandType: number;
  ptsAdjustment: number;
  outOfNetwork?: boolean;
  /** 90 kHz, without pts_adjustment. */
  spliceTime?: number;
  breakDuration?: number;
}

export type SpliceResult = { ok: true; info: SpliceInfo } | { ok: false; reason: string };

const u33 = (b: Uint8Array, pos: number): number =>
  (b[pos]! & 1) * 2 ** 32 +
  ((b[pos + 1]! << 24) >>> 0) +
  (b[pos + 2]! << 16) +
  (b[pos + 3]! << 8) +
  b[pos + 4]!;

function spliceTime(b: Uint8Array, pos: number): { time?: number; size: number } {
  if (b[pos]! & 0x80) return { time: u33(b, pos), size: 5 };
  return { size: 1 };
}

export function parseSpliceInfo(bytes: Uint8Array): SpliceResult {
  if (bytes.length < 17)
    return { ok: false, reason: `${bytes.length} bytes are too short for a splice_info_section` };
  if (bytes[0] !== 0xfc) return { ok: false, reason: `table_id is 0x${bytes[0]!.toString(16)}, not 0xfc` };
  const sectionLength = ((bytes[1]! & 0x0f) << 8) | bytes[2]!;
  if (sectionLength + 3 !== bytes.length)
    return { ok: false, reason: `section_length ${sectionLength} does not match the ${bytes.length} bytes` };
  const crc = crc32Mpeg2(bytes.subarray(0, bytes.length - 4));
  const stored = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(bytes.length - 4);
  if (crc !== stored)
    return {
      ok: false,
      reason: `CRC_32 0x${stored.toString(16).padStart(8, '0')} differs from the computed 0x${crc.toString(16).padStart(8, '0')}`,
    };
  if (bytes[4]! & 0x80) return { ok: true, info: { commandType: -1, ptsAdjustment: 0 } }; // encrypted: not readable
  const ptsAdjustment = u33(bytes, 4);
  const commandLength = ((bytes[11]! & 0x0f) << 8) | bytes[12]!;
  const commandType = bytes[13]!;
  const info: SpliceInfo = { commandType, ptsAdjustment };
  const cmd = 14;
  if (commandLength !== 0xfff && cmd + commandLength > bytes.length - 4)
    return { ok: false, reason: `splice_command_length ${commandLength} runs past the section` };
  try {
    if (commandType === 5) {
      const cancel = bytes[cmd + 4]! & 0x80;
      if (!cancel) {
        const flags = bytes[cmd + 5]!;
        info.outOfNetwork = (flags & 0x80) !== 0;
        const program = (flags & 0x40) !== 0;
        const hasDuration = (flags & 0x20) !== 0;
        const immediate = (flags & 0x10) !== 0;
        let p = cmd + 6;
        if (program && !immediate) {
          const st = spliceTime(bytes, p);
          if (st.time !== undefined) info.spliceTime = st.time;
          p += st.size;
        } else if (!program) {
          const n = bytes[p]!;
          p += 1 + n * (immediate ? 1 : 6);
        }
        if (hasDuration) info.breakDuration = u33(bytes, p);
      }
    } else if (commandType === 6) {
      const st = spliceTime(bytes, cmd);
      if (st.time !== undefined) info.spliceTime = st.time;
    } else if (![0, 4, 7, 0xff].includes(commandType)) {
      return { ok: false, reason: `splice_command_type ${commandType} is not a SCTE 35 command` };
    }
  } catch {
    return { ok: false, reason: 'the splice command is truncated' };
  }
  return { ok: true, info };
}
