import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { KeyMaterial } from '../../../src/drm/key-material.js';
import { deriveTestKey, keyChecksum, onTheFlyKid, testKeyHex } from '../../../src/drm/test-key.js';
import { commonPssh } from '../../../src/drm/pssh.js';
import {
  choosePlayReady,
  expandLaUrl,
  PLAYREADY_TEST_LA_URL,
  parsePlayReadyObject,
  playReadyObject,
  playReadyPssh,
  wrmHeader,
} from '../../../src/drm/playready.js';
import type { KeySetEntry } from '../../../src/drm/systems.js';
import { licenceResponse, parseLicenceRequest } from '../../../src/drm/licence.js';

const BBB_KID = '1ab45440532c439994dc5c5ad9584bac';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('key material forms (drm-events.md §2.1)', () => {
  it('reads hex, 0x hex, UUID and base64url to the same bytes', () => {
    for (const form of [
      BBB_KID,
      `0x${BBB_KID.toUpperCase()}`,
      '1ab45440-532c-4399-94dc-5c5ad9584bac',
      'GrRUQFMsQ5mU3Fxa2VhLrA',
      'GrRUQFMsQ5mU3Fxa2VhLrA==',
    ])
      assert.equal(KeyMaterial.parse(form).hex(), BBB_KID, form);
    const k = KeyMaterial.parse(BBB_KID);
    assert.equal(k.uuid(), '1ab45440-532c-4399-94dc-5c5ad9584bac');
    assert.equal(k.base64url(), 'GrRUQFMsQ5mU3Fxa2VhLrA');
  });

  it('refuses anything that is not 16 bytes', () => {
    for (const bad of ['', '1ab4', `${BBB_KID}00`, 'GrRUQFMsQ5mU3Fxa2VhL', 'zz'.repeat(16)])
      assert.throws(() => KeyMaterial.parse(bad), /expected/, bad);
  });
});

describe('verified vectors (§2.7)', () => {
  it('gives the LE-GUID, test key and checksum of the bbb KID', () => {
    const kid = KeyMaterial.parse(BBB_KID);
    assert.equal(hex(kid.leGuid()), '4054b41a2c53994394dc5c5ad9584bac');
    assert.equal(Buffer.from(kid.leGuid()).toString('base64'), 'QFS0GixTmUOU3Fxa2VhLrA==');
    const key = deriveTestKey(kid);
    assert.equal(hex(key), 'd6d39cedee9024c88b64eb1bdd617a47');
    assert.equal(Buffer.from(key).toString('base64url'), '1tOc7e6QJMiLZOsb3WF6Rw');
    assert.equal(keyChecksum(kid, key), 'RLlOKOW5IIo=');
    assert.equal(Buffer.from(keyChecksum(kid, key), 'base64').toString('hex'), '44b94e28e5b9208a');
  });

  it('matches the independently published test-seed vectors', () => {
    const a = KeyMaterial.parse('8ba94ade-6eb9-449d-b44f-a5beefaf43b0');
    assert.equal(Buffer.from(a.leGuid()).toString('base64'), '3kqpi7lunUS0T6W+769DsA==');
    assert.equal(hex(deriveTestKey(a)), 'dbfd6922c321c4bb486f4a1c44097ed6');
    assert.equal(keyChecksum(a, deriveTestKey(a)), 'Me48z71nuqY=');
    const b = KeyMaterial.parse('339c45b5-fb6d-4bd9-994c-eabd9d41c95b');
    assert.equal(hex(b.leGuid()), 'b5459c336dfbd94b994ceabd9d41c95b');
    assert.equal(Buffer.from(deriveTestKey(b)).toString('base64'), 'pTfNwMplhBQG1SXnvyLXVA==');
    assert.equal(keyChecksum(b, deriveTestKey(b)), 'Dnd2+tOluB4=');
  });

  it('derives the on-the-fly KIDs of demo and bbb (§2.6)', () => {
    assert.equal(onTheFlyKid('demo'), '2a41dba49af555c62986df6811da02e6');
    assert.equal(testKeyHex(onTheFlyKid('demo')), '0b6221e1c146745c661f8c2f178a7adc');
    assert.equal(onTheFlyKid('bbb'), '5698e4c9acba2b6caa4ec6d384dd6b9f');
    assert.equal(testKeyHex(onTheFlyKid('bbb')), '0e3dcfd270a5c556db7ac1e7d5c187ea');
  });

  it('refuses a seed shorter than 30 bytes', () => {
    assert.throws(() => deriveTestKey(KeyMaterial.parse(BBB_KID), new Uint8Array(29)), RangeError);
  });
});

describe('W3C common pssh (§5.1)', () => {
  it('is the verified 52-byte box for the bbb KID', () => {
    const box = commonPssh([BBB_KID]);
    assert.equal(box.length, 52);
    assert.equal(
      box.toString('base64'),
      'AAAANHBzc2gBAAAAEHfv7MCyTQKs4zweUuL7SwAAAAEatFRAUyxDmZTcXFrZWEusAAAAAA==',
    );
  });
});

const bbbKey = (over: Partial<KeySetEntry> = {}): KeySetEntry => ({
  kid: BBB_KID,
  key: 'd6d39cedee9024c88b64eb1bdd617a47',
  alg: 'AESCTR',
  computed: true,
  ...over,
});

describe('PlayReady (§6)', () => {
  it('builds the verified 4.0 header, PRO and pssh (§6.8)', () => {
    const keys = [bbbKey()];
    const xml = wrmHeader(keys, '4.0', expandLaUrl(PLAYREADY_TEST_LA_URL, keys));
    assert.equal(
      xml,
      '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.0.0.0"><DATA><PROTECTINFO><KEYLEN>16</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO><KID>QFS0GixTmUOU3Fxa2VhLrA==</KID><CHECKSUM>RLlOKOW5IIo=</CHECKSUM><LA_URL>https://test.playready.microsoft.com/service/rightsmanager.asmx?cfg=(kid:QFS0GixTmUOU3Fxa2VhLrA==,persist:false,sl:150)</LA_URL></DATA></WRMHEADER>',
    );
    assert.equal(Buffer.from(xml, 'utf16le').length, 780);
    const pro = playReadyObject(xml);
    assert.equal(pro.length, 790);
    assert.equal(pro.subarray(0, 10).toString('hex'), '16030000010001000c03');
    assert.equal(sha(pro), '32f8ddc0bb7c06d01585b66723306ff65685ce8deb1b86ce50b83e14d1a9094a');
    const box = playReadyPssh(keys, pro);
    assert.equal(box.length, 822);
    assert.equal(
      box.subarray(0, 32).toString('hex'),
      '0000033670737368000000009a04f07998404286ab92e65be0885f9500000316',
    );
    assert.equal(sha(box), '0faba7495ad8f81c058dff3b5df013c6e94426cedd06c64172ef265c18e936a6');
    // parsed back, from the object and from the whole pssh box
    for (const input of [pro, box]) {
      const records = parsePlayReadyObject(input);
      assert.equal(records.length, 1);
      assert.equal(records[0]!.type, 1);
      assert.equal(records[0]!.xml, xml);
    }
    assert.throws(() => parsePlayReadyObject(pro.subarray(0, 100)), RangeError);
  });

  it('chooses header versions and refuses impossible forced ones (§6.2)', () => {
    const one = [bbbKey()];
    const two = [bbbKey(), bbbKey({ kid: '2a41dba49af555c62986df6811da02e6' })];
    const cbc = [bbbKey({ alg: 'AESCBC' })];
    assert.deepEqual(choosePlayReady(one, null, null), { header: '4.0', version: '2.0' });
    assert.deepEqual(choosePlayReady(two, null, null), { header: '4.2', version: '3.0' });
    assert.deepEqual(choosePlayReady(cbc, null, null), { header: '4.3', version: '4.0' });
    assert.deepEqual(choosePlayReady(one, '4.1', null), { header: '4.1', version: '2.0' });
    assert.deepEqual(choosePlayReady(two, null, '1.0'), { header: '4.2', version: '1.0' });
    assert.ok('reason' in choosePlayReady(two, '4.0', null));
    assert.ok('reason' in choosePlayReady(cbc, '4.2', null));
    assert.ok('reason' in choosePlayReady(one, '4.3', '2.0'));
  });

  it('writes 4.1, 4.2 and 4.3 forms with checksums only for known AES-CTR keys (§6.3)', () => {
    const other = bbbKey({ kid: '2a41dba49af555c62986df6811da02e6', key: null });
    const h41 = wrmHeader([bbbKey()], '4.1', 'u');
    assert.match(
      h41,
      /<PROTECTINFO><KID ALGID="AESCTR" CHECKSUM="RLlOKOW5IIo=" VALUE="QFS0GixTmUOU3Fxa2VhLrA=="><\/KID><\/PROTECTINFO>/,
    );
    const h43 = wrmHeader([bbbKey({ alg: 'AESCBC' }), other], '4.3', 'a&b<c>');
    assert.match(h43, /version="4.3.0.0"/);
    assert.match(
      h43,
      /<KIDS><KID ALGID="AESCBC" VALUE="QFS0GixTmUOU3Fxa2VhLrA=="><\/KID><KID ALGID="AESCTR" VALUE="[^"]+"><\/KID><\/KIDS>/,
    );
    assert.match(h43, /<LA_URL>a&amp;b&lt;c&gt;<\/LA_URL>/);
  });

  it('expands only the three LA_URL placeholders (§6.4)', () => {
    const keys = [bbbKey({ computed: false }), bbbKey({ kid: '2a41dba49af555c62986df6811da02e6' })];
    const url = expandLaUrl('x?d={default_kid}&k={kids}&c={cfgs}&o={other}', keys);
    assert.equal(
      url,
      `x?d=${BBB_KID}&k=${BBB_KID},2a41dba49af555c62986df6811da02e6&c=(kid:QFS0GixTmUOU3Fxa2VhLrA==,persist:false,sl:150,contentkey:1tOc7e6QJMiLZOsb3WF6Rw==),(kid:pNtBKvWaxlUpht9oEdoC5g==,persist:false,sl:150)&o={other}`,
    );
  });
});

describe('ClearKey licence exchange (§5.2)', () => {
  it('answers the verified exchange for the bbb KID', () => {
    const req = parseLicenceRequest('{"kids":["GrRUQFMsQ5mU3Fxa2VhLrA"],"type":"temporary"}');
    assert.ok(!('field' in req));
    const res = licenceResponse(req, (kid) => (kid === BBB_KID ? 'd6d39cedee9024c88b64eb1bdd617a47' : null));
    assert.equal(
      JSON.stringify(res),
      '{"keys":[{"kty":"oct","kid":"GrRUQFMsQ5mU3Fxa2VhLrA","k":"1tOc7e6QJMiLZOsb3WF6Rw"}],"type":"temporary"}',
    );
  });

  it('leaves unknown KIDs out and names bad fields', () => {
    const req = parseLicenceRequest(
      '{"kids":["GrRUQFMsQ5mU3Fxa2VhLrA","AAAAAAAAAAAAAAAAAAAAAA","GrRUQFMsQ5mU3Fxa2VhLrA"]}',
    );
    assert.ok(!('field' in req));
    assert.equal(req.kids.length, 2);
    assert.equal(req.type, 'temporary');
    assert.equal(licenceResponse(req, () => null).keys.length, 0);
    const field = (body: string) => {
      const r = parseLicenceRequest(body);
      return 'field' in r ? r.field : null;
    };
    assert.equal(field('nope'), 'body');
    assert.equal(field('[1]'), 'body');
    assert.equal(field('{}'), 'kids');
    assert.equal(field('{"kids":[]}'), 'kids');
    assert.equal(field('{"kids":["GrRUQFMsQ5mU3Fxa2VhLrA",7]}'), 'kids[1]');
    assert.equal(field('{"kids":["GrRU"]}'), 'kids[0]');
    assert.equal(field('{"kids":["GrRUQFMsQ5mU3Fxa2VhLrA"],"type":"x"}'), 'type');
  });
});

describe('legacy licence URL aliases (§3.3)', () => {
  it('override the registry options and are carried under the canonical name', async () => {
    const { resolveOptions } = await import('../../../src/options/parse.js');
    const r = resolveOptions({
      query: new URLSearchParams(
        'clearkey_la_url=https%3A%2F%2Fa.example%2Fck&clearkey__la_url=https%3A%2F%2Fb.example%2Fck&drm=clearkey',
      ),
      mode: 'live',
      kind: 'manifest',
    });
    assert.deepEqual(r.issues, []);
    assert.equal(r.options.clearkey__la_url, 'https://a.example/ck');
    assert.ok(r.given.has('clearkey__la_url'));
  });
});
