/**
 * SCTE-35 `time_signal` (drm-events.md §9.8): the two worked sections read back field by field
 * with a reader written from SCTE 35 §9.6/§9.7.4/§10.3.3 (independent of the encoder), the CRC
 * residue, the validator's decoder, and that `program_id` and `count` leave the section alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32Mpeg2, spliceInfoSection, type Scte35Event } from '../../../src/events/scte35.js';
import { parseSpliceInfo } from '../../../src/validator/decode/scte35.js';

const START =
  'fc302e000000000000fffff00506fe000000000018021643554549000000017fff000002bf200000340000000068d469d2';
const END = 'fc3027000000000000fffff00506fe000dbba00011020f43554549000000017fbf00003500002a033d1b';

const event = (index: number, over: Partial<Scte35Event> = {}): Scte35Event => ({
  index,
  time: BigInt(index * 1000),
  duration: 200n,
  timescale: 100,
  count: 0,
  programId: 1620,
  ...over,
});

class Bits {
  private pos = 0;
  constructor(private readonly b: Buffer) {}
  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++, this.pos++)
      v = v * 2 + ((this.b[this.pos >> 3]! >> (7 - (this.pos & 7))) & 1);
    return v;
  }
  get byte(): number {
    return this.pos / 8;
  }
}

/** Every field of a time_signal section with one segmentation descriptor. */
function readTimeSignal(hex: string): Record<string, number> {
  const r = new Bits(Buffer.from(hex, 'hex'));
  const f: Record<string, number> = {};
  const take = (name: string, n: number) => (f[name] = r.read(n));
  take('table_id', 8);
  take('section_syntax_indicator', 1);
  take('private_indicator', 1);
  take('sap_type', 2);
  take('section_length', 12);
  take('protocol_version', 8);
  take('encrypted_packet', 1);
  take('encryption_algorithm', 6);
  take('pts_adjustment', 33);
  take('cw_index', 8);
  take('tier', 12);
  take('splice_command_length', 12);
  take('splice_command_type', 8);
  take('time_specified_flag', 1);
  take('splice_time_reserved', 6);
  take('pts_time', 33);
  take('descriptor_loop_length', 16);
  take('splice_descriptor_tag', 8);
  take('descriptor_length', 8);
  take('identifier', 32);
  take('segmentation_event_id', 32);
  take('segmentation_event_cancel_indicator', 1);
  take('cancel_reserved', 7);
  take('program_segmentation_flag', 1);
  take('segmentation_duration_flag', 1);
  take('delivery_not_restricted_flag', 1);
  take('flags_reserved', 5);
  if (f.segmentation_duration_flag) take('segmentation_duration', 40);
  take('segmentation_upid_type', 8);
  take('segmentation_upid_length', 8);
  take('segmentation_type_id', 8);
  take('segment_num', 8);
  take('segments_expected', 8);
  if (f.segmentation_type_id === 0x34) {
    take('sub_segment_num', 8);
    take('sub_segments_expected', 8);
  }
  take('CRC_32', 32);
  f.bytes_read = r.byte;
  return f;
}

const COMMON = {
  table_id: 0xfc,
  section_syntax_indicator: 0,
  private_indicator: 0,
  sap_type: 3,
  protocol_version: 0,
  encrypted_packet: 0,
  encryption_algorithm: 0,
  pts_adjustment: 0,
  cw_index: 0xff,
  tier: 0xfff,
  splice_command_length: 5,
  splice_command_type: 6,
  time_specified_flag: 1,
  splice_time_reserved: 0x3f,
  splice_descriptor_tag: 2,
  identifier: 0x43554549,
  segmentation_event_id: 1,
  segmentation_event_cancel_indicator: 0,
  cancel_reserved: 0x7f,
  program_segmentation_flag: 1,
  delivery_not_restricted_flag: 1,
  flags_reserved: 0x1f,
  segmentation_upid_type: 0,
  segmentation_upid_length: 0,
  segment_num: 0,
  segments_expected: 0,
};

describe('SCTE-35 time_signal (drm-events.md §9.8)', () => {
  it('builds the start event of the spec, 49 bytes, read back field by field', () => {
    const s = spliceInfoSection(event(0), 'time_signal');
    assert.equal(s.toString('hex'), START);
    assert.equal(
      s.toString('base64'),
      '/DAuAAAAAAAA///wBQb+AAAAAAAYAhZDVUVJAAAAAX//AAACvyAAADQAAAAAaNRp0g==',
    );
    assert.deepEqual(readTimeSignal(START), {
      ...COMMON,
      section_length: 46,
      pts_time: 0,
      descriptor_loop_length: 24,
      descriptor_length: 22,
      segmentation_duration_flag: 1,
      segmentation_duration: 180000,
      segmentation_type_id: 0x34,
      sub_segment_num: 0,
      sub_segments_expected: 0,
      CRC_32: 0x68d469d2,
      bytes_read: 49,
    });
  });

  it('builds the end event of the spec, 42 bytes, without a duration', () => {
    const s = spliceInfoSection(event(1), 'time_signal');
    assert.equal(s.toString('base64'), '/DAnAAAAAAAA///wBQb+AA27oAARAg9DVUVJAAAAAX+/AAA1AAAqAz0b');
    assert.deepEqual(readTimeSignal(END), {
      ...COMMON,
      section_length: 39,
      pts_time: 900000,
      descriptor_loop_length: 17,
      descriptor_length: 15,
      segmentation_duration_flag: 0,
      segmentation_type_id: 0x35,
      CRC_32: 0x2a033d1b,
      bytes_read: 42,
    });
  });

  it('is 15 bytes shorter than splice_insert for a start and 10 for an end, CRC residue 0', () => {
    for (const i of [0, 1, 2, 3, 10, 11]) {
      const ts = spliceInfoSection(event(i), 'time_signal');
      const si = spliceInfoSection(event(i), 'splice_insert');
      assert.equal(si.length - ts.length, i % 2 === 0 ? 15 : 10, `event ${i}`);
      assert.equal(crc32Mpeg2(ts), 0, `event ${i}`);
      assert.equal(readTimeSignal(ts.toString('hex')).segmentation_event_id, 1 + Math.floor(i / 2));
    }
  });

  it('ignores program_id and count, and the validator decoder reads command 6 and the time', () => {
    const base = spliceInfoSection(event(2), 'time_signal');
    assert.deepEqual(spliceInfoSection(event(2, { programId: 7, count: 4 }), 'time_signal'), base);
    const parsed = parseSpliceInfo(Buffer.from(END, 'hex'));
    assert.ok(parsed.ok);
    assert.equal(parsed.info.commandType, 6);
    assert.equal(parsed.info.spliceTime, 900000);
    const broken = Buffer.from(END, 'hex');
    broken[20] = broken[20]! ^ 1;
    assert.equal(parseSpliceInfo(broken).ok, false);
  });
});
