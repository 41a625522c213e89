/** One MPD per template × mode × stream, validated against the DASH schema in one xmllint call. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderManifest } from '../../../src/manifest/render.js';
import { TEMPLATES, TEMPLATE_NAMES } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';
import { builtManifest } from '../../support/built-manifest.js';
import { validateMpds, validatorUnavailable } from '../../support/xmllint.js';

const NOW = 1740831002500;
const EXTRA_HAND_MADE_LIVE = [
  'timesubsstpp=en,cy&timesubswvtt=en&timeline=1',
  'thumbnails=1',
  'start=2025-03-01T12:00:00Z&depth=30&thumbnails=1&periods=80s&continuous=1',
  'start=2025-03-01T12:00:00Z&stop=2025-03-01T12:09:00Z',
  'start=2025-03-01T12:00:00Z&stop=2025-03-01T12:09:00Z&timeline=1',
  'start=2025-03-01T12:00:00Z&stop=2025-03-01T12:11:00Z&timeline=number&snr=0',
  'chunkdur=0.5&timeline=1&start=now',
  'ato=inf&snr=-1',
  'time=direct,head,http-ntp,iso,ntp,sntp,xsd&spd=-1&mup=-1',
  'start=2025-03-01T12:00:00Z&depth=30&periods=60&continuous=1&periodDur=1',
  'start=2025-03-01T12:00:00Z&depth=30&periods=60s&timeline=number&chunkdur=1',
  'start=2025-03-01T12:00:00Z&stop=2025-03-01T12:03:00Z&periods=60&timeline=1',
];

const render = (
  stream: 'bbb' | 'demo',
  template: (typeof TEMPLATE_NAMES)[number],
  mode: 'live' | 'vod' | 'odvod',
  query = '',
) =>
  renderManifest(builtManifest({ stream: fixtureStream(stream), template, mode, query, nowMs: NOW }).model);

describe('every template × mode validates against DASH-MPD.xsd', () => {
  const docs = new Map<string, string>();
  for (const name of TEMPLATE_NAMES) {
    for (const mode of TEMPLATES[name].modes) {
      for (const s of ['bbb', 'demo'] as const) {
        for (const q of ['', 'timeline=1&depth=30&start=2025-03-01T12:00:00Z']) {
          docs.set(`${s} ${name} ${mode} ${q}`, render(s, name, mode, q));
        }
        if (name === 'hand_made' && mode === 'live') {
          for (const q of EXTRA_HAND_MADE_LIVE)
            docs.set(`${s} ${name} ${mode} ${q}`, render(s, name, mode, q));
        }
      }
    }
  }
  const skip = validatorUnavailable();
  const failures = skip ? new Map<string, string>() : validateMpds(docs);
  for (const key of docs.keys()) {
    it(key, { skip: skip ?? false }, () => {
      assert.equal(failures.get(key), undefined, failures.get(key));
    });
  }
});
