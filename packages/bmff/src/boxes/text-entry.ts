/** Text sample entries: stpp (ISO/IEC 14496-30 §5.2, XMLSubtitleSampleEntry), wvtt (14496-30
 * §7.5) with vttC, tx3g (3GPP TS 26.245 §5.16), and the mime box (14496-12 §12.6.3.2). */
import { defineBox, readVF, writeVF, type FullBoxFields } from '../box-entry.js';

export interface StppFields {
  dataReferenceIndex: number;
  namespace: string;
  schemaLocation: string;
  auxiliaryMimeTypes: string;
}

export const stpp = defineBox<StppFields>({
  type: 'stpp',
  name: 'XML subtitle sample entry',
  ref: '14496-30 §5.2',
  container: true,
  parse(r) {
    r.skip(6);
    return {
      dataReferenceIndex: r.u16(),
      namespace: r.cstring(),
      schemaLocation: r.cstring(),
      auxiliaryMimeTypes: r.cstring(),
    };
  },
  write(w, v) {
    w.zeros(6)
      .u16(v.dataReferenceIndex)
      .cstring(v.namespace)
      .cstring(v.schemaLocation)
      .cstring(v.auxiliaryMimeTypes);
  },
});

export interface PlainSampleEntryFields {
  dataReferenceIndex: number;
}

export const wvtt = defineBox<PlainSampleEntryFields>({
  type: 'wvtt',
  name: 'WebVTT sample entry',
  ref: '14496-30 §7.5',
  container: true,
  parse(r) {
    r.skip(6);
    return { dataReferenceIndex: r.u16() };
  },
  write: (w, v) => void w.zeros(6).u16(v.dataReferenceIndex),
});

export interface Tx3gFields {
  dataReferenceIndex: number;
  displayFlags: number;
  horizontalJustification: number;
  verticalJustification: number;
  backgroundColor: string;
  defaultTextBox: string;
  defaultStyle: string;
}

export const tx3g = defineBox<Tx3gFields>({
  type: 'tx3g',
  name: '3GPP timed text sample entry',
  ref: '3GPP TS 26.245 §5.16',
  example: {
    dataReferenceIndex: 1,
    displayFlags: 0,
    horizontalJustification: 1,
    verticalJustification: 255,
    backgroundColor: '00000000',
    defaultTextBox: '0000000000000000',
    defaultStyle: '000000000001000012ffffff',
  },
  container: true,
  parse(r) {
    r.skip(6);
    return {
      dataReferenceIndex: r.u16(),
      displayFlags: r.u32(),
      horizontalJustification: r.u8(),
      verticalJustification: r.u8(),
      backgroundColor: r.hex(4),
      defaultTextBox: r.hex(8),
      defaultStyle: r.hex(12),
    };
  },
  write(w, v) {
    w.zeros(6)
      .u16(v.dataReferenceIndex)
      .u32(v.displayFlags)
      .u8(v.horizontalJustification)
      .u8(v.verticalJustification);
    w.hex(v.backgroundColor).hex(v.defaultTextBox).hex(v.defaultStyle);
  },
});

export interface VttcConfigFields {
  config: string;
}

export const vttC = defineBox<VttcConfigFields>({
  type: 'vttC',
  name: 'WebVTT configuration',
  ref: '14496-30 §7.5',
  parse: (r) => ({ config: r.rest().toString('utf8') }),
  write: (w, v) => void w.cstring(v.config, false),
});

export interface MimeFields extends FullBoxFields {
  contentType: string;
}

export const mime = defineBox<MimeFields>({
  type: 'mime',
  name: 'MIME type',
  ref: '14496-12 §12.6.3.2',
  parse: (r) => ({ ...readVF(r), contentType: r.cstring() }),
  write(w, v) {
    writeVF(w, v);
    w.cstring(v.contentType);
  },
});
