/**
 * §4.10 media segments and the in-band half of §4.8 (emsg): box order, mfhd = $Number$, tfdt
 * against the expected time, sample durations, trun offsets inside the mdat, SAP, senc/saiz/saio
 * consistency (ISO/IEC 14496-12 8.8, 8.7.8–8.7.9; ISO/IEC 23001-7 7.2; ISO/IEC 23009-1 5.10.3).
 */
import {
  emsg as emsgEntry,
  mfhd,
  parseBoxes,
  PIFF_SAMPLE_ENCRYPTION_UUID,
  saio,
  saiz,
  sidx as sidxEntry,
  SENC_SUBSAMPLES,
  tfdt,
  tfhd,
  TFHD_BASE_DATA_OFFSET,
  TFHD_DEFAULT_BASE_IS_MOOF,
  trun,
  type Box,
  type EmsgFields,
  type SencFields,
} from '@loopcast/bmff';
import { parseSpliceInfo } from '../decode/scte35.js';
import type { IssueSink } from '../issues.js';
import type { RepresentationModel } from '../mpd.js';
import type { SegmentRef } from '../plan.js';
import type { CheckCode } from '../registry.js';
import type { IssueLocation } from '../types.js';
import { attr } from '../xml.js';
import { ticks } from '../xs-time.js';
import { SCTE35_BIN } from './events.js';
import type { InitFacts } from './init.js';

export interface MediaInput {
  rep: RepresentationModel;
  ref: SegmentRef;
  body: Uint8Array;
  init: InitFacts | undefined;
  location: Extract<IssueLocation, { kind: 'segment' }>;
  sink: IssueSink;
  /** Presentation start of the Period in seconds (for emsg v1 and event times). */
  periodStart: number;
}

export interface MediaFacts {
  decodeTime?: number;
  /** False when MEDIA_TFDT was raised (continuity is then not judged again). */
  tfdtOk: boolean;
  duration: number;
  sampleDuration: number;
}

const TOP_LEVEL = new Set(['styp', 'sidx', 'ssix', 'prft', 'emsg', 'moof', 'mdat', 'free', 'skip']);
const NON_SYNC = 0x00010000;

export function checkMediaSegment(input: MediaInput): MediaFacts | undefined {
  const { rep, ref, init, sink, location } = input;
  const add = (code: CheckCode, message: string, box?: Box, boxPath?: string): void => {
    const loc = box ? { ...location, box: boxPath ?? box.type, offset: box.offset } : location;
    sink.add(code, message, loc, { path: rep.path });
  };
  let boxes: Box[];
  const buf = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  const ivSize = init?.tenc?.defaultPerSampleIvSize;
  try {
    boxes = parseBoxes(buf, ivSize !== undefined ? { ivSize } : {});
  } catch (err) {
    add('MEDIA_BOXES', `the segment does not parse as boxes: ${(err as Error).message}`);
    return undefined;
  }
  const types = boxes.map((b) => b.type);
  const firstMoof = types.indexOf('moof');
  if (firstMoof < 0 || !types.slice(firstMoof).includes('mdat')) {
    add('MEDIA_BOXES', `the segment has no moof followed by an mdat (top level: ${types.join(', ')})`);
    return undefined;
  }
  boxes.forEach((b, k) => {
    if (!TOP_LEVEL.has(b.type))
      add('MEDIA_BOXES', `top-level box ${b.type} is not allowed in a media segment`, b);
    if (b.type === 'styp' && k > 0) add('MEDIA_BOXES', 'styp is not the first box', b);
  });
  checkEmsgs(input, boxes, firstMoof, add);
  const sidxBox = boxes.find((b) => b.type === 'sidx');
  const moofs = boxes.filter((b) => b.type === 'moof');
  const numbered =
    rep.addressing.kind === 'template'
      ? /\$Number/.test(rep.addressing.media ?? '')
      : rep.addressing.kind === 'list';
  const ts = init?.timescale || ref.timescale;
  let decodeTime: number | undefined;
  let total = 0;
  let sampleDuration = 0;
  const ptsSeen = new Set<number>();
  let minPts: number | undefined;
  let previousSeq = -1;
  try {
    for (const moof of moofs) {
      const seq = moof.child('mfhd')?.get(mfhd).sequenceNumber;
      if (seq === undefined) add('MEDIA_BOXES', 'moof has no mfhd', moof);
      else if (
        numbered &&
        moofs.length === 1 &&
        ref.number !== undefined &&
        rep.addressing.kind === 'template' &&
        seq !== ref.number
      )
        add(
          'MEDIA_MFHD',
          `mfhd sequence_number ${seq} differs from the segment number ${ref.number}`,
          moof.child('mfhd'),
          'moof/mfhd',
        );
      // §4.10: with several moofs in a segment, non-increasing numbers are a warning
      else if (moofs.length > 1 && seq <= previousSeq)
        sink.add(
          'MEDIA_MFHD',
          `mfhd sequence_number ${seq} does not increase after ${previousSeq}`,
          { ...location, box: 'moof/mfhd', offset: moof.offset },
          { path: rep.path, severity: 'warning' },
        );
      if (seq !== undefined) previousSeq = seq;
      const mdat =
        boxes[boxes.indexOf(moof) + 1]?.type === 'mdat'
          ? boxes[boxes.indexOf(moof) + 1]
          : boxes.slice(boxes.indexOf(moof)).find((b) => b.type === 'mdat');
      let implicitBase = moof.offset;
      for (const traf of moof.all('traf')) {
        const th = traf.child('tfhd')?.get(tfhd);
        if (!th) {
          add('MEDIA_BOXES', 'traf has no tfhd', traf, 'moof/traf');
          continue;
        }
        if (init && th.trackId !== init.trackId)
          add(
            'MEDIA_TRACK_ID',
            `tfhd track_ID ${th.trackId} differs from the init segment's ${init.trackId}`,
            traf.child('tfhd'),
            'moof/traf/tfhd',
          );
        const td = traf.child('tfdt');
        if (!td) add('MEDIA_TFDT', 'traf has no tfdt', traf, 'moof/traf');
        const dt = td ? Number(td.get(tfdt).baseMediaDecodeTime) : undefined;
        if (decodeTime === undefined && dt !== undefined) decodeTime = dt;
        const base =
          th.flags & TFHD_BASE_DATA_OFFSET
            ? Number(th.baseDataOffset)
            : th.flags & TFHD_DEFAULT_BASE_IS_MOOF
              ? moof.offset
              : implicitBase;
        let dataPos = base;
        const sampleSizes: number[] = [];
        const sampleStarts: number[] = [];
        let trafDuration = 0;
        traf.all('trun').forEach((runBox, runIndex) => {
          const run = runBox.get(trun);
          if (run.dataOffset !== undefined) dataPos = base + run.dataOffset;
          const start = dataPos;
          const payloadStart = mdat ? mdat.offset + mdat.headerSize : 0;
          const payloadEnd = mdat ? mdat.offset + mdat.originalSize : 0;
          let runBytes = 0;
          for (let i = 0; i < run.sampleCount; i++) {
            const s = run.samples[i];
            const d = s?.duration ?? th.defaultSampleDuration ?? init?.trex?.defaultSampleDuration ?? 0;
            const size = s?.size ?? th.defaultSampleSize ?? init?.trex?.defaultSampleSize ?? 0;
            if (i === 0 && sampleDuration === 0) sampleDuration = d;
            if (dt !== undefined) {
              const pts = dt + trafDuration + (s?.compositionTimeOffset ?? 0);
              minPts = minPts === undefined ? pts : Math.min(minPts, pts);
              if (ptsSeen.has(pts))
                add(
                  'MEDIA_PTS',
                  `presentation time ${pts} repeats within the segment`,
                  runBox,
                  'moof/traf/trun',
                );
              ptsSeen.add(pts);
            }
            trafDuration += d;
            sampleStarts.push(start + runBytes);
            runBytes += size;
            sampleSizes.push(size);
          }
          if (!mdat) return;
          if (runIndex === 0 && traf === moof.all('traf')[0] && start !== payloadStart)
            add(
              'MEDIA_TRUN',
              `the first trun data offset points at byte ${start}, not at the mdat payload start ${payloadStart}`,
              runBox,
              'moof/traf/trun',
            );
          else if (start < payloadStart || start + runBytes > payloadEnd)
            add(
              'MEDIA_TRUN',
              `trun data [${start}, ${start + runBytes}) lies outside the mdat payload [${payloadStart}, ${payloadEnd})`,
              runBox,
              'moof/traf/trun',
            );
          if (runIndex === 0 && start === payloadStart && start + runBytes > payloadEnd)
            add(
              'MEDIA_TRUN',
              `the samples (${runBytes} bytes) run past the mdat payload end ${payloadEnd}`,
              runBox,
              'moof/traf/trun',
            );
          dataPos = start + runBytes;
          // SAP (5.3.7.2): the first sample of a video segment is a sync sample
          if (
            runIndex === 0 &&
            traf === moof.all('traf')[0] &&
            moof === moofs[0] &&
            init?.handler === 'vide' &&
            (rep.startWithSAP ?? 0) >= 1
          ) {
            const flags =
              run.firstSampleFlags ??
              run.samples[0]?.flags ??
              th.defaultSampleFlags ??
              init.trex?.defaultSampleFlags ??
              0;
            if (flags & NON_SYNC)
              add(
                'MEDIA_SAP',
                'the first sample is not a sync sample although @startWithSAP ≥ 1',
                runBox,
                'moof/traf/trun',
              );
          }
        });
        implicitBase = dataPos;
        total += trafDuration;
        checkEncryption(input, moof, traf, sampleSizes, add);
        checkNalClear(input, traf, buf, sampleStarts, sampleSizes, add);
      }
    }
  } catch (err) {
    add('MEDIA_BOXES', `a fragment box does not parse: ${(err as Error).message}`);
    return undefined;
  }
  // timing (14496-12 8.8.12; 23009-1 5.3.9.6)
  const tolerance = sampleDuration * (init?.handler === 'soun' ? 2 : 1) * (ref.firstOfPeriod ? 2 : 1) || 1;
  const expected = (ref.time * ts) / ref.timescale;
  const tfdtOk = decodeTime === undefined || Math.abs(decodeTime - expected) <= tolerance;
  if (!tfdtOk && decodeTime !== undefined) {
    const diff = decodeTime - expected;
    add(
      'MEDIA_TFDT',
      `tfdt ${decodeTime} differs from the expected ${Math.round(expected)} by ${ticks(Math.round(diff), ts)}; tolerance ${tolerance} ticks`,
      moofs[0]!.child('traf')?.child('tfdt'),
      'moof/traf/tfdt',
    );
  }
  const expectedDuration = (ref.duration * ts) / ref.timescale;
  const timeline =
    rep.addressing.kind !== 'single' &&
    rep.addressing.kind !== 'base' &&
    rep.addressing.timeline !== undefined;
  if (expectedDuration > 0) {
    if (timeline && Math.abs(total - expectedDuration) > (sampleDuration || 1))
      add(
        'MEDIA_DURATION',
        `the samples last ${ticks(total, ts)}, not the S@d ${ticks(Math.round(expectedDuration), ts)}`,
      );
    else if (!timeline && rep.addressing.kind === 'template') {
      // the last segment of a Period may reach past the Period's end, where players stop (an
      // ended live event, dash.md §7.14): it is compared with the whole @duration
      const a = rep.addressing;
      const nominal =
        ref.lastOfPeriod && a.duration && a.timescale > 0
          ? (a.duration * ts) / a.timescale
          : expectedDuration;
      const tooLong = total > Math.max(expectedDuration, nominal) * 1.5;
      const tooShort = total < expectedDuration * 0.5 && !ref.lastOfPeriod;
      if (tooLong || tooShort)
        add(
          'MEDIA_DURATION',
          `the samples last ${ticks(total, ts)}, outside ±50 % of @duration ${ticks(Math.round(expectedDuration), ts)}`,
        );
    }
  }
  if (sidxBox) checkSidx(sidxBox, buf.length, total, ts, sampleDuration, add);
  if (decodeTime !== undefined && minPts !== undefined) {
    const pto = (rep.addressing.kind !== 'single' ? rep.addressing.pto : 0) * (ts / ref.timescale);
    if (minPts - pto < 0)
      add(
        'MEDIA_PTS',
        `the earliest presentation time ${minPts} is before @presentationTimeOffset ${Math.round(pto)}`,
      );
  }
  const facts: MediaFacts = { duration: total, sampleDuration, tfdtOk };
  if (decodeTime !== undefined) facts.decodeTime = decodeTime;
  return facts;
}

function checkEmsgs(
  input: MediaInput,
  boxes: Box[],
  firstMoof: number,
  add: (code: CheckCode, message: string, box?: Box, boxPath?: string) => void,
): void {
  const { rep, ref } = input;
  boxes.forEach((b, k) => {
    if (b.type !== 'emsg') return;
    if (k > firstMoof) add('EV_EMSG_POSITION', 'an emsg comes after the first moof', b);
    let e: EmsgFields;
    try {
      e = b.get(emsgEntry);
    } catch (err) {
      add('EV_EMSG_BOX', `the emsg does not parse: ${(err as Error).message}`, b);
      return;
    }
    if (e.version > 1) add('EV_EMSG_BOX', `emsg version ${e.version} is not 0 or 1`, b);
    if (e.timescale <= 0) add('EV_EMSG_BOX', 'emsg timescale is 0', b);
    else if (e.version === 1 && e.presentationTime !== undefined) {
      // version 1 times are on the media timeline of the track (ISO/IEC 23009-1 5.10.3.3): not
      // before the segment's start, one segment duration of leeway for expected-time tolerance
      const startS = ref.time / ref.timescale;
      const evS = Number(e.presentationTime) / e.timescale;
      if (evS < startS - ref.duration / ref.timescale)
        add(
          'EV_EMSG_BOX',
          `emsg presentation_time ${e.presentationTime}/${e.timescale} s is before the segment start ${startS.toFixed(3)} s`,
          b,
        );
    } else if (e.version === 0 && e.presentationTimeDelta !== undefined && ref.duration > 0) {
      if (e.presentationTimeDelta / e.timescale > ref.duration / ref.timescale + 1e-6)
        add(
          'EV_EMSG_BOX',
          `emsg presentation_time_delta ${e.presentationTimeDelta}/${e.timescale} s lies beyond the segment`,
          b,
        );
    }
    const declared = rep.inbandEventStreams.some((ies) => {
      if (attr(ies, 'schemeIdUri') !== e.schemeIdUri) return false;
      const v = attr(ies, 'value');
      return v === undefined || v === e.value;
    });
    if (!declared)
      add(
        'EV_EMSG_DECLARED',
        `emsg scheme "${e.schemeIdUri}" value "${e.value}" matches no InbandEventStream of the Representation`,
        b,
      );
    if (e.schemeIdUri === SCTE35_BIN) {
      const r = parseSpliceInfo(e.messageData);
      if (!r.ok) add('EV_EMSG_SCTE35', `the in-band SCTE-35 data is invalid: ${r.reason}`, b);
    }
  });
}

function checkEncryption(
  input: MediaInput,
  moof: Box,
  traf: Box,
  sampleSizes: number[],
  add: (code: CheckCode, message: string, box?: Box, boxPath?: string) => void,
): void {
  const init = input.init;
  const sencBox =
    traf.child('senc') ?? traf.all('uuid').find((b) => b.usertype === PIFF_SAMPLE_ENCRYPTION_UUID);
  const saizBox = traf.child('saiz');
  const saioBox = traf.child('saio');
  const protectedTrack = init?.encrypted === true && init.tenc?.defaultIsProtected !== 0;
  const hasIvs = sencBox !== undefined || traf.child('sbgp') !== undefined || saizBox !== undefined;
  if (!init) return;
  if (protectedTrack && !hasIvs && (init.tenc?.defaultPerSampleIvSize ?? 0) > 0)
    add(
      'MEDIA_ENCRYPTED',
      'the init segment is encrypted but the fragment carries no senc or auxiliary information',
      traf,
      'moof/traf',
    );
  if (!init.encrypted && sencBox)
    add(
      'MEDIA_ENCRYPTED',
      'the init segment is clear but the fragment has a senc',
      sencBox,
      'moof/traf/senc',
    );
  if (!sencBox) return;
  let s: SencFields;
  try {
    s = sencBox.fields as SencFields;
  } catch (err) {
    add('MEDIA_SENC', `senc does not parse: ${(err as Error).message}`, sencBox, 'moof/traf/senc');
    return;
  }
  const n = sampleSizes.length;
  if (s.samples.length !== n)
    add('MEDIA_SENC', `senc lists ${s.samples.length} samples but the trun ${n}`, sencBox, 'moof/traf/senc');
  const ivSize = init.tenc?.defaultPerSampleIvSize;
  if (ivSize !== undefined && s.ivSize !== ivSize)
    add('MEDIA_SENC', `senc IVs are ${s.ivSize} bytes but tenc says ${ivSize}`, sencBox, 'moof/traf/senc');
  const sub = (s.flags & SENC_SUBSAMPLES) !== 0;
  if (sub)
    s.samples.forEach((e, i) => {
      const sum = (e.subsamples ?? []).reduce((m, x) => m + x.clearBytes + x.protectedBytes, 0);
      if (i < n && sum !== sampleSizes[i])
        add(
          'MEDIA_SENC',
          `sample ${i + 1}: sub-samples add up to ${sum} bytes, the sample has ${sampleSizes[i]}`,
          sencBox,
          'moof/traf/senc',
        );
    });
  if (saizBox) {
    const z = saizBox.get(saiz);
    if (z.sampleCount !== n)
      add(
        'MEDIA_SAIZ_SAIO',
        `saiz counts ${z.sampleCount} samples but the trun ${n}`,
        saizBox,
        'moof/traf/saiz',
      );
    const entrySize = (e: (typeof s.samples)[number]): number =>
      s.ivSize + (sub ? 2 + 6 * (e.subsamples?.length ?? 0) : 0);
    const bad = s.samples.findIndex(
      (e, i) => (z.defaultSampleInfoSize || z.sampleInfoSizes[i]) !== entrySize(e),
    );
    if (bad >= 0)
      add(
        'MEDIA_SAIZ_SAIO',
        `saiz gives sample ${bad + 1} ${z.defaultSampleInfoSize || z.sampleInfoSizes[bad]} bytes, its senc entry has ${entrySize(s.samples[bad]!)}`,
        saizBox,
        'moof/traf/saiz',
      );
  }
  if (saioBox) {
    const o = saioBox.get(saio);
    const th = traf.child('tfhd')?.get(tfhd);
    const base = th && th.flags & TFHD_BASE_DATA_OFFSET ? Number(th.baseDataOffset) : moof.offset;
    const firstEntry =
      sencBox.offset + sencBox.headerSize + 8 + (sencBox.type === 'uuid' && s.flags & 1 ? 20 : 0);
    if (o.offsets.length !== 1)
      add('MEDIA_SAIZ_SAIO', `saio has ${o.offsets.length} offsets, not one`, saioBox, 'moof/traf/saio');
    else if (base + o.offsets[0]! !== firstEntry)
      add(
        'MEDIA_SAIZ_SAIO',
        `saio points at byte ${base + o.offsets[0]!}, the first senc entry is at ${firstEntry}`,
        saioBox,
        'moof/traf/saio',
      );
  } else if (saizBox) add('MEDIA_SAIZ_SAIO', 'saiz without saio', saizBox, 'moof/traf/saiz');
}

/** MEDIA_SIDX (ISO/IEC 14496-12 8.16.3): the references cover the bytes after the sidx and the duration. */
function checkSidx(
  box: Box,
  size: number,
  duration: number,
  timescale: number,
  sampleDuration: number,
  add: (code: CheckCode, message: string, box?: Box, boxPath?: string) => void,
): void {
  const s = box.get(sidxEntry);
  const start = box.offset + box.originalSize + Number(s.firstOffset);
  const bytes = s.references.reduce((n, r) => n + r.referencedSize, 0);
  if (start + bytes !== size)
    add(
      'MEDIA_SIDX',
      `the sidx references ${bytes} bytes from byte ${start}, the segment has ${size - start}`,
      box,
    );
  const ticksSum = s.references.reduce((n, r) => n + r.subsegmentDuration, 0);
  const inMedia = s.timescale ? (ticksSum * timescale) / s.timescale : 0;
  // sidx durations are presentation durations: an edit list may shorten the first by a sample
  if (s.timescale && Math.abs(inMedia - duration) > sampleDuration + timescale / 100)
    add(
      'MEDIA_SIDX',
      `the sidx durations add up to ${ticksSum}/${s.timescale} s, the samples to ${duration}/${timescale} s`,
      box,
    );
}

/**
 * MEDIA_NAL_CLEAR (ISO/IEC 23001-7 10.2): in sub-sample encrypted AVC/HEVC every NAL length field
 * and NAL header lies in a clear range, and the NAL lengths add up to the sample size — readable
 * without the key. Reported once per fragment, for the first sample that breaks it.
 */
function checkNalClear(
  input: MediaInput,
  traf: Box,
  buf: Buffer,
  starts: readonly number[],
  sizes: readonly number[],
  add: (code: CheckCode, message: string, box?: Box, boxPath?: string) => void,
): void {
  const init = input.init;
  const lengthSize = init?.nalLengthSize;
  if (!init?.encrypted || !lengthSize || !/^(avc|hev|hvc)/.test(init.format)) return;
  const sencBox =
    traf.child('senc') ?? traf.all('uuid').find((b) => b.usertype === PIFF_SAMPLE_ENCRYPTION_UUID);
  if (!sencBox) return;
  const s = sencBox.fields as SencFields;
  if (!(s.flags & SENC_SUBSAMPLES)) return;
  const header = init.format.startsWith('avc') ? 1 : 2;
  for (let i = 0; i < Math.min(s.samples.length, sizes.length); i++) {
    const start = starts[i]!;
    const size = sizes[i]!;
    if (start + size > buf.length) return;
    const clear: [number, number][] = [];
    let off = 0;
    for (const sub of s.samples[i]!.subsamples ?? []) {
      clear.push([off, off + sub.clearBytes]);
      off += sub.clearBytes + sub.protectedBytes;
    }
    const inClear = (a: number, b: number): boolean => clear.some(([x, y]) => a >= x && b <= y);
    let pos = 0;
    while (pos + lengthSize <= size) {
      if (!inClear(pos, pos + lengthSize + header)) {
        add(
          'MEDIA_NAL_CLEAR',
          `sample ${i + 1}: the NAL unit at byte ${pos} has its length field or header in a protected range`,
          traf,
          'moof/traf',
        );
        return;
      }
      let len = 0;
      for (let k = 0; k < lengthSize; k++) len = len * 256 + buf[start + pos + k]!;
      pos += lengthSize + len;
    }
    if (pos !== size) {
      add(
        'MEDIA_NAL_CLEAR',
        `sample ${i + 1}: the NAL lengths add up to ${pos} bytes, the sample has ${size}`,
        traf,
        'moof/traf',
      );
      return;
    }
  }
}
