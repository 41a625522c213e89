/** The Widevine pssh against the worked bytes of drm-events.md §4.6. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { insertPssh, parseBoxes, serializeBoxes } from '@loopcast/bmff';
import { psshBox } from '../../../src/drm/pssh.js';
import { SYSTEM_IDS } from '../../../src/drm/systems.js';
import { checkInitSegment } from '../../../src/validator/checks/init.js';
import { IssueCollector } from '../../../src/validator/issues.js';
import { buildMpdModel } from '../../../src/validator/mpd.js';
import { parseXml } from '../../../src/validator/xml.js';
import {
  decodeWidevinePsshData,
  WidevineDataError,
  widevinePssh,
  widevinePsshData,
} from '../../../src/drm/widevine.js';

const BBB = '1ab45440532c439994dc5c5ad9584bac';
const OTF = '5698e4c9acba2b6caa4ec6d384dd6b9f';

describe('Widevine pssh (drm-events.md §4.6)', () => {
  it('writes the bbb KID with cenc as the 56-byte example', () => {
    const box = widevinePssh([{ kid: BBB }], 'cenc');
    assert.equal(
      box.toString('hex'),
      '00000038707373680000000' +
        '0edef8ba979d64acea3c827dcd51d21ed' +
        '00000018' +
        '1210' +
        BBB +
        '48e3dc959b06',
    );
    assert.equal(
      box.toString('base64'),
      'AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEBq0VEBTLEOZlNxcWtlYS6xI49yVmwY=',
    );
    assert.equal(widevinePsshData([BBB], 'cenc').toString('base64'), 'EhAatFRAUyxDmZTcXFrZWEusSOPclZsG');
  });

  it('differs only in the varint with cbcs', () => {
    assert.equal(
      widevinePssh([{ kid: BBB }], 'cbcs').toString('base64'),
      'AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEBq0VEBTLEOZlNxcWtlYS6xI88aJmwY=',
    );
    assert.equal(widevinePsshData([BBB], 'cbcs').subarray(18).toString('hex'), '48f3c6899b06');
  });

  it('lists a two-KID key set in order (74 bytes)', () => {
    const box = widevinePssh([{ kid: BBB }, { kid: OTF }], 'cenc');
    assert.equal(box.length, 74);
    assert.equal(
      box.toString('base64'),
      'AAAASnBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAACoSEBq0VEBTLEOZlNxcWtlYS6wSEFaY5Mmsuitsqk7G04Tda59I49yVmwY=',
    );
  });

  it('reads the message back and re-encodes it to the same bytes', () => {
    const data = Buffer.from('EhAatFRAUyxDmZTcXFrZWEusSOPclZsG', 'base64');
    const fields = decodeWidevinePsshData(data);
    assert.deepEqual(fields.keyIds, [BBB]);
    assert.deepEqual(fields.protectionScheme, { value: 1667591779, fourcc: 'cenc' });
    assert.deepEqual(fields.unknown, []);
    assert.deepEqual(widevinePsshData(fields.keyIds, fields.protectionScheme.fourcc), data);
  });

  it('decodes provider, content_id, policy, crypto_period_index and keeps unknown fields', () => {
    // provider "wv" (3), content_id 0xabcd (4), policy "p" (6), crypto_period_index 300 (7),
    // algorithm 1 (field 1, not decoded), a fixed32 field 15.
    const data = Buffer.from('1a027776' + '2202abcd' + '320170' + '38ac02' + '0801' + '7d01020304', 'hex');
    const f = decodeWidevinePsshData(data);
    assert.equal(f.provider, 'wv');
    assert.equal(f.contentId, 'abcd');
    assert.equal(f.policy, 'p');
    assert.equal(f.cryptoPeriodIndex, 300);
    assert.deepEqual(f.unknown, [
      { field: 1, wireType: 0, value: '1' },
      { field: 15, wireType: 5, value: '01020304' },
    ]);
  });

  it('refuses truncated and malformed messages with the place named', () => {
    assert.throws(
      () => decodeWidevinePsshData(Buffer.from('1210aabb', 'hex')),
      /field 2 needs 16 bytes at byte 2/,
    );
    assert.throws(() => decodeWidevinePsshData(Buffer.from('1202aabb', 'hex')), /key_id of 2 bytes/);
    assert.throws(() => decodeWidevinePsshData(Buffer.from('48ff', 'hex')), WidevineDataError);
    assert.throws(() => decodeWidevinePsshData(Buffer.from('0b', 'hex')), /wire type 3/);
  });
});

describe('the validator reads Widevine pssh boxes in moov (validator.md INIT_PSSH)', () => {
  const media = join(import.meta.dirname, '..', '..', '..', '..', '..', '..', 'shared', 'media');
  const file = join(media, 'bbb', 'bbb_v6_enc.mp4');

  const codes = (data: Buffer): string[] => {
    const boxes = parseBoxes(readFileSync(file));
    const moov = boxes.find((b) => b.type === 'moov')!;
    insertPssh(moov, psshBox(SYSTEM_IDS.widevine, null, data));
    const init = serializeBoxes(boxes.filter((b) => b.type === 'ftyp' || b.type === 'moov'));
    const xml = parseXml(
      `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" type="static"><Period id="p"><AdaptationSet contentType="video" mimeType="video/mp4"><ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="1ab45440-532c-4399-94dc-5c5ad9584bac"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`,
    );
    assert.ok(xml.ok);
    const mpd = buildMpdModel(xml.xml, 'https://t.test/a.mpd');
    const sink = new IssueCollector();
    checkInitSegment({
      mpd,
      rep: mpd.periods[0]!.adaptationSets[0]!.representations[0]!,
      body: init,
      location: { kind: 'url', url: 'https://t.test/init.mp4' },
      sink,
    });
    return sink.issues.filter((i) => i.code === 'INIT_PSSH').map((i) => i.message);
  };

  it('accepts the §4.6 message and reports one that does not parse', (t) => {
    if (!existsSync(file)) {
      t.skip(`shared media not found at ${media}`);
      return;
    }
    assert.deepEqual(codes(widevinePsshData([BBB], 'cenc')), []);
    assert.deepEqual(codes(Buffer.from('1210aabb', 'hex')), [
      'the Widevine pssh data does not parse: field 2 needs 16 bytes at byte 2, past the end',
    ]);
  });
});
