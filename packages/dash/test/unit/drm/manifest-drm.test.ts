/** DRM signalling in MPDs (drm-events.md §3.4, §4) and their validity against DASH-MPD.xsd. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderManifest } from '../../../src/manifest/render.js';
import { TEMPLATES, TEMPLATE_NAMES, type TemplateName } from '../../../src/templates/registry.js';
import type { StreamModel } from '../../../src/stream.js';
import { onTheFlyKid, testKeyHex } from '../../../src/drm/test-key.js';
import { fixtureStream } from '../../fixtures/streams.js';
import { builtManifest, manifestResult } from '../../support/built-manifest.js';
import { validateMpds, validatorUnavailable } from '../../support/xmllint.js';

const NOW = 1740831002500;
const BBB_KID = '1ab45440532c439994dc5c5ad9584bac';

function withKeys(name: 'bbb' | 'demo'): StreamModel {
  const s = fixtureStream(name);
  const otfKid = onTheFlyKid(name);
  return {
    ...s,
    otfKid,
    keys: {
      [BBB_KID]: { key: testKeyHex(BBB_KID), alg: 'AESCTR', computed: true },
      [otfKid]: { key: testKeyHex(otfKid), alg: 'AESCTR', computed: true },
    },
  };
}

type DrmMode = 'live' | 'vod' | 'odvod';

const build = (stream: StreamModel, template: TemplateName, mode: DrmMode, query: string) =>
  manifestResult({ stream, template, mode, query, nowMs: NOW });

function render(stream: StreamModel, template: TemplateName, mode: DrmMode, query: string) {
  const { model } = builtManifest({ stream, template, mode, query, nowMs: NOW });
  return { xml: renderManifest(model), model };
}

describe('drm selection of Representations (§3.4)', () => {
  it('serves the encrypted bbb files with drm and clear text', () => {
    const { model } = render(withKeys('bbb'), 'hand_made', 'live', 'drm=clearkey');
    const sets = model.periods[0]!.adaptationSets;
    const ids = sets.flatMap((s) => s.representations.map((r) => r.id));
    assert.deepEqual(ids, ['bbb_v7_enc', 'bbb_v6_enc', 'bbb_a1_enc', 'bbb_t1']);
    assert.equal(sets.find((s) => s.contentType === 'text')?.contentProtection, undefined);
  });

  it('serves clear files without drm, and clear files encrypted on the fly with otf=1', () => {
    const clear = render(withKeys('bbb'), 'hand_made', 'live', '').model;
    assert.ok(
      clear.periods[0]!.adaptationSets.every((s) => s.representations.every((r) => !r.id.endsWith('_enc'))),
    );
    const otf = render(withKeys('bbb'), 'hand_made', 'live', 'drm=clearkey&otf=1').model;
    const video = otf.periods[0]!.adaptationSets[0]!;
    assert.equal(video.representations[0]!.id, 'bbb_v7');
    assert.equal(video.contentProtection?.[0]?.defaultKid, '5698e4c9-acba-2b6c-aa4e-c6d384dd6b9f');
  });

  it('encrypts demo on the fly with otf=auto, scheme from enc_scheme', () => {
    const { model, xml } = render(withKeys('demo'), 'hand_made', 'live', 'drm=clearkey');
    const [video, audio] = model.periods[0]!.adaptationSets;
    assert.equal(video!.contentProtection?.[0]?.value, 'cenc');
    assert.match(xml, /xmlns:cenc="urn:mpeg:cenc:2013"/);
    assert.match(
      xml,
      /<dashif:Laurl xmlns:dashif="https:\/\/dashif.org\/CPS" licenseType="EME-1.0">http:\/\/localhost:5000\/clearkey<\/dashif:Laurl>/,
    );
    const cbcs = render(withKeys('demo'), 'hand_made', 'live', 'drm=clearkey&enc_scheme=cbcs').model;
    assert.equal(cbcs.periods[0]!.adaptationSets[0]!.contentProtection?.[0]?.value, 'cbcs');
    assert.equal(cbcs.periods[0]!.adaptationSets[1]!.contentProtection?.[0]?.value, 'cbcs');
    assert.equal(audio!.contentProtection?.[0]?.value, 'cenc');
    const none = render(withKeys('demo'), 'hand_made', 'live', 'drm=clearkey&otf=0').model;
    assert.equal(none.periods[0]!.adaptationSets[0]!.contentProtection, undefined);
  });

  it('writes the §4 elements in order for drm=all', () => {
    const { xml } = render(withKeys('bbb'), 'hand_made', 'live', 'drm=all');
    const video = xml.slice(xml.indexOf('<AdaptationSet'), xml.indexOf('</AdaptationSet>'));
    const schemes = [...video.matchAll(/<ContentProtection[^>]*schemeIdUri="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(schemes, [
      'urn:mpeg:dash:mp4protection:2011',
      'urn:uuid:5e629af5-38da-4063-8977-97ffbd9902d4',
      'urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95',
      'urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e',
      'urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b',
    ]);
    assert.match(video, /cenc:default_KID="1ab45440-532c-4399-94dc-5c5ad9584bac"/);
    assert.match(
      video,
      /<mas:MarlinContentId>urn:marlin:kid:1ab45440532c439994dc5c5ad9584bac<\/mas:MarlinContentId>/,
    );
    assert.match(
      video,
      /<cenc:pssh>AAAANHBzc2gBAAAAEHfv7MCyTQKs4zweUuL7SwAAAAEatFRAUyxDmZTcXFrZWEusAAAAAA==<\/cenc:pssh>/,
    );
    assert.match(video, /value="MSPR 2.0"/);
  });

  it('uses the legacy PlayReady system ID and no pssh for version 1.0 (§6.1)', () => {
    const { xml } = render(withKeys('bbb'), 'hand_made', 'live', 'drm=playready&playready__version=1.0');
    assert.match(xml, /urn:uuid:79f0049a-4098-8642-ab92-e65be0885f95/);
    assert.doesNotMatch(xml, /<cenc:pssh>/);
    assert.match(xml, /<mspr:pro>/);
  });

  it('refuses a forced header that cannot describe the keys (§6.2)', () => {
    const built = build(
      withKeys('bbb'),
      'hand_made',
      'live',
      'drm=playready&playready__header=4.3&playready__version=2.0',
    );
    assert.equal(built.kind, 'InvalidOptions');
  });
});

describe('KIDs without keys (§4.1, §8.1)', () => {
  it('serves the manifest and reports the missing keys for the log', () => {
    const bbb = build(fixtureStream('bbb'), 'hand_made', 'live', 'drm=playready');
    assert.equal(bbb.kind, 'manifest');
    if (bbb.kind !== 'manifest') return;
    assert.deepEqual(bbb.warnings, [`KID ${BBB_KID} of bbb is not in the key store`]);
    const xml = renderManifest(bbb.model);
    assert.match(xml, /<mspr:pro>/);
    const demo = build(fixtureStream('demo'), 'hand_made', 'live', 'drm=clearkey');
    assert.equal(demo.kind, 'manifest');
    if (demo.kind !== 'manifest') return;
    assert.match(demo.warnings?.[0] ?? '', /has no key: served clear/);
    assert.equal(demo.model.periods[0]!.adaptationSets[0]!.contentProtection, undefined);
    const fine = build(withKeys('bbb'), 'hand_made', 'live', 'drm=clearkey');
    assert.equal(fine.kind === 'manifest' ? fine.warnings : 'refused', undefined);
  });
});

describe('DRM variants validate against DASH-MPD.xsd (§4.5)', () => {
  it('every template with drm=all, and the hand_made variants', (t) => {
    const skip = validatorUnavailable();
    if (skip) return t.skip(skip);
    const docs = new Map<string, string>();
    for (const name of ['bbb', 'demo'] as const) {
      const stream = withKeys(name);
      for (const template of TEMPLATE_NAMES)
        for (const mode of TEMPLATES[template].modes) {
          const { xml } = render(stream, template, mode, 'drm=all');
          // templates restricted to drm=none (dash.md §6) stay clear
          // and odvod never encrypts on the fly (§3.4), so demo (no encrypted files) is clear there
          const clearOnly =
            (TEMPLATES[template].restrictions.drm?.includes('none') ?? false) ||
            (name === 'demo' && mode === 'odvod');
          assert.equal(
            /<ContentProtection[^>]*ClearKey1.0/.test(xml),
            !clearOnly,
            `${name} ${template} ${mode}`,
          );
          docs.set(`${name} ${template} ${mode}`, xml);
        }
      for (const q of [
        'drm=clearkey-cenc',
        'drm=playready-pro&playready__header=4.1',
        'drm=all-cenc-pro&playready__version=1.0',
        'drm=marlin',
        'drm=all&otf=1&enc_scheme=cbcs',
        'drm=playready&playready__la_url=https%3A%2F%2Fx.example%2F%3Fa%3D1%26k%3D%7Bkids%7D',
      ])
        docs.set(`${name} hand_made live ${q}`, render(stream, 'hand_made', 'live', q).xml);
    }
    const failures = validateMpds(docs);
    assert.deepEqual([...failures.entries()], []);
  });
});
