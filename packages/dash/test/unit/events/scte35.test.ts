/** SCTE-35 sections against the byte vectors of drm-events.md §9.6 and §9.8. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32Mpeg2, spliceInfoSection, type Scte35Event } from '../../../src/events/scte35.js';

const event = (index: number, over: Partial<Scte35Event> = {}): Scte35Event => ({
  index,
  time: BigInt(index * 1000),
  duration: 200n,
  timescale: 100,
  count: 0,
  programId: 1620,
  ...over,
});

describe('SCTE-35 splice_info_section (§9.6)', () => {
  it('encodes the splice_insert break start and return of the spec', () => {
    const start = spliceInfoSection(event(0));
    assert.equal(start.length, 64);
    assert.equal(
      start.toString('base64'),
      '/DA9AAAAAAAA///wFAUAAAAAf+/+AAAAAP4AAr8gBlQAAAAYAhZDVUVJAAAAAX//AAACvyAAADQAAAAAtI6uVw==',
    );
    const ret = spliceInfoSection(event(1));
    assert.equal(ret.length, 52);
    assert.equal(
      ret.toString('base64'),
      '/DAxAAAAAAAA///wDwUAAAABf0/+AA27oAZUAAAAEQIPQ1VFSQAAAAF/vwAANQAAFQm1uw==',
    );
  });

  it('encodes time_signal with the same descriptors (§9.8)', () => {
    assert.equal(
      spliceInfoSection(event(0), 'time_signal').toString('hex'),
      'fc302e000000000000fffff00506fe000000000018021643554549000000017fff000002bf200000340000000068d469d2',
    );
    assert.equal(
      spliceInfoSection(event(1), 'time_signal').toString('hex'),
      'fc3027000000000000fffff00506fe000dbba00011020f43554549000000017fbf00003500002a033d1b',
    );
  });

  it('has a CRC residue of 0 and a section_length that counts to the end', () => {
    for (const cmd of ['splice_insert', 'time_signal'] as const) {
      for (const i of [0, 1, 2, 7]) {
        const s = spliceInfoSection(event(i), cmd);
        assert.equal(crc32Mpeg2(s), 0, `${cmd} ${i}`);
        assert.equal(((s[1]! & 0x0f) << 8) | s[2]!, s.length - 3);
      }
    }
  });

  it('writes avail_num and avails_expected only for a bounded count, pts modulo 2^33', () => {
    // count 4: avails_expected = ceil(4 / 2) = 2 (the reference wrote 3)
    const s = spliceInfoSection(event(2, { count: 4 }));
    const avails = s.subarray(32, 34); // after event id, flags, splice_time, break_duration, program id
    assert.deepEqual([...avails], [2, 2]);
    const none = spliceInfoSection(event(2, { count: 600 }));
    assert.deepEqual([...none.subarray(32, 34)], [0, 0]);
    // t = 2^33 / 90000 s exactly wraps to 0
    const wrap = spliceInfoSection(event(0, { time: 8589934592n, timescale: 90000 }));
    assert.equal(wrap.subarray(20, 25).toString('hex'), 'fe00000000');
  });
});
