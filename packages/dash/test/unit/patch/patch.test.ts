/**
 * MPD patch (drm-events.md §11): PatchLocation, the route's refusals, and the apply-and-compare
 * test of §11.3 — the patch applied to the base MPD equals the current MPD (canonical XML) for
 * young and old streams, with MPD events, `timeline=number` and automatic Periods across a
 * Period boundary.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest } from '../../../src/manifest/manifest.js';
import { resolveOptions } from '../../../src/options/parse.js';
import { canonical, parseXml } from '../../../src/patch/diff.js';
import { buildPatch } from '../../../src/patch/route.js';
import { TEMPLATES, type TemplateName } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';
import { validateMpds, validatorUnavailable } from '../../support/xmllint.js';
import { applyPatch } from './apply.js';

const AST = Date.UTC(2025, 2, 1, 12, 0, 0);
const START = 'start=2025-03-01T12:00:00Z';

function request(
  query: string,
  nowMs: number,
  stream: 'bbb' | 'demo' = 'bbb',
  template: TemplateName = 'hand_made',
) {
  const s = fixtureStream(stream);
  const resolved = resolveOptions({
    query: new URLSearchParams(`patch=1&${query}`),
    mode: 'live',
    kind: 'manifest',
    stream: s,
    template: TEMPLATES[template],
  });
  assert.deepEqual(resolved.issues, []);
  return {
    stream: s,
    template: TEMPLATES[template],
    mode: 'live' as const,
    resolved,
    nowMs,
    origin: 'http://localhost:5000',
  };
}

function mpd(query: string, nowMs: number, stream: 'bbb' | 'demo' = 'bbb'): string {
  const m = buildManifest(request(query, nowMs, stream));
  if (m.kind !== 'manifest') throw new Error(JSON.stringify(m));
  return m.xml;
}

/** Patch from the MPD published at `baseMs` to the one at `nowMs`, applied and compared. */
function roundTrip(query: string, baseMs: number, nowMs: number, stream: 'bbb' | 'demo' = 'bbb'): string {
  const base = mpd(query, baseMs, stream);
  const current = mpd(query, nowMs, stream);
  const publish = /publishTime="([^"]+)"/.exec(base)![1]!;
  const p = buildPatch({ ...request(query, nowMs, stream), publish: String(Date.parse(publish) / 1000) });
  assert.equal(p.kind, 'patch', JSON.stringify(p));
  if (p.kind !== 'patch') throw new Error('unreachable');
  assert.equal(canonical(applyPatch(base, p.xml)), canonical(parseXml(current)), `${query}\n${p.xml}`);
  return p.xml;
}

describe('PatchLocation (§11.1)', () => {
  it('follows Location with the ttl and the publish instant, without patch in the query', () => {
    const xml = mpd(`depth=30&${START}`, AST + 600_000);
    assert.match(
      xml,
      /<Location>[^<]*<\/Location>\n {2}<PatchLocation ttl="30">http:\/\/localhost:5000\/patch\/bbb\/hand_made\/1740831000\?depth=30&amp;start=2025-03-01T12:00:00Z<\/PatchLocation>/,
    );
    assert.match(
      mpd(`timeline=number&${START}`, AST + 600_000),
      /hand_made\/1740831000\?start=2025-03-01T12:00:00Z&amp;timeline=number</,
    );
  });
});

describe('patch document (§11.3, §11.4)', () => {
  it('replaces publishTime, PatchLocation and the moving timelines (example of §11.4)', () => {
    const xml = roundTrip(`depth=30&${START}`, AST + 600_000, AST + 608_000);
    assert.match(
      xml,
      /mpdId="bbb" originalPublishTime="2025-03-01T12:10:00Z" publishTime="2025-03-01T12:10:08Z"/,
    );
    assert.match(xml, /<replace sel="\/MPD\/@publishTime">2025-03-01T12:10:08Z<\/replace>/);
    assert.match(
      xml,
      /<replace sel="\/MPD\/PatchLocation\[1\]"><PatchLocation xmlns="urn:mpeg:dash:schema:mpd:2011" ttl="30">[^<]*\/1740831008\?/,
    );
    assert.match(
      xml,
      /sel="\/MPD\/Period\[@id='p0'\]\/AdaptationSet\[@id='1'\]\/SegmentTemplate\[1\]\/SegmentTimeline\[1\]"/,
    );
    assert.doesNotMatch(xml, /timeShiftBufferDepth/);
  });

  it('round-trips young and old streams, events, timeline=number and several steps', () => {
    roundTrip(`depth=30&${START}`, AST + 16_000, AST + 24_000); // TSBD grows (ttl = max(TSBD, MUP) = 16 s)
    roundTrip(`depth=30&${START}`, AST + 600_000, AST + 624_000);
    roundTrip(`depth=30&timeline=number&${START}`, AST + 600_000, AST + 616_000);
    roundTrip(
      `depth=60&events=ping,scte35&ping__inband=0&scte35__inband=0&${START}`,
      AST + 600_000,
      AST + 608_000,
    );
    roundTrip(`depth=30&time=direct&${START}`, AST + 600_000, AST + 608_000, 'demo');
  });

  it('round-trips automatic Periods across a Period boundary', () => {
    const xml = roundTrip(`depth=60&periods=80s&continuous=1&${START}`, AST + 136_000, AST + 192_000);
    assert.match(
      xml,
      /<remove sel="\/MPD\/Period\[@id='p0'\]"\/>|<add sel="\/MPD\/Period\[@id='p1'\]" pos="after">/,
    );
    roundTrip(
      `depth=30&periods=80s&continuous=1&events=ping&ping__inband=0&${START}`,
      AST + 232_000,
      AST + 248_000,
    );
  });
});

describe('the patch route (§11.2)', () => {
  const q = `depth=30&${START}`;
  const now = AST + 608_000;
  const at = (publish: string, nowMs = now, query = q) => buildPatch({ ...request(query, nowMs), publish });
  it('refuses bases that never existed, are current or ahead, or have expired', () => {
    assert.equal(at('1740831001').kind, 'NotFound'); // off the 8 s grid
    assert.equal(at('1740826000').kind, 'NotFound'); // before AST
    assert.equal(at('x').kind, 'NotFound');
    const current = at('1740831008');
    assert.deepEqual(current, { kind: 'TooEarly', retryAfterSeconds: 8 });
    assert.deepEqual(at('1740831016'), { kind: 'TooEarly', retryAfterSeconds: 8 });
    assert.equal(at('1740830984').kind, 'patch'); // 24 s old, ttl 30 s
    assert.equal(at('1740830976').kind, 'Gone'); // 32 s old
    assert.equal(at('1740830984', now, `depth=30&stop=2025-03-01T12:05:00Z&${START}`).kind, 'Gone');
    const other = buildPatch({ ...request(q, now, 'bbb', 'manifest_a'), publish: '1740831000' });
    assert.equal(other.kind, 'NotFound');
  });

  it('writes MPDs with PatchLocation that validate against DASH-MPD.xsd', (t) => {
    const skip = validatorUnavailable();
    if (skip) return void t.skip(skip);
    const docs = new Map<string, string>();
    for (const v of [
      'depth=30',
      'timeline=number',
      'periods=80s&continuous=1&depth=30',
      'events=ping&ping__inband=0',
    ])
      docs.set(v, mpd(`${v}&${START}`, AST + 600_000));
    assert.deepEqual([...validateMpds(docs)], []);
  });
});
