/** emsg (ISO/IEC 23009-1 §5.10.3.3): version 0 carries a time delta from the segment start,
 * version 1 an absolute 64-bit presentation time and moves the strings to the end. */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface EmsgFields extends FullBoxFields {
  schemeIdUri: string;
  value: string;
  timescale: number;
  /** Version 0: presentation_time_delta. */
  presentationTimeDelta?: number;
  /** Version 1: presentation_time. */
  presentationTime?: bigint;
  eventDuration: number;
  id: number;
  messageData: Buffer;
}

export const emsg = defineBox<EmsgFields>({
  type: 'emsg',
  name: 'Event message',
  ref: '23009-1 §5.10.3.3',
  parse(r) {
    const vf = readVF(r);
    if (vf.version === 0) {
      const schemeIdUri = r.cstring();
      const value = r.cstring();
      const timescale = r.u32();
      const presentationTimeDelta = r.u32();
      const eventDuration = r.u32();
      const id = r.u32();
      return {
        ...vf,
        schemeIdUri,
        value,
        timescale,
        presentationTimeDelta,
        eventDuration,
        id,
        messageData: r.rest(),
      };
    }
    const timescale = r.u32();
    const presentationTime = r.u64();
    const eventDuration = r.u32();
    const id = r.u32();
    const schemeIdUri = r.cstring();
    const value = r.cstring();
    return {
      ...vf,
      schemeIdUri,
      value,
      timescale,
      presentationTime,
      eventDuration,
      id,
      messageData: r.rest(),
    };
  },
  write(w, v) {
    writeVF(w, v);
    if (v.version === 0) {
      w.cstring(v.schemeIdUri)
        .cstring(v.value)
        .u32(v.timescale)
        .u32(v.presentationTimeDelta ?? 0);
      w.u32(v.eventDuration).u32(v.id);
    } else {
      w.u32(v.timescale)
        .u64(v.presentationTime ?? 0n)
        .u32(v.eventDuration)
        .u32(v.id);
      w.cstring(v.schemeIdUri).cstring(v.value);
    }
    w.bytes(v.messageData);
  },
});
