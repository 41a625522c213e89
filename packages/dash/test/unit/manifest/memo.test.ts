/**
 * The manifest memo (manifest/memo.ts, README §6 live manifest throughput) is invisible: for
 * every option set × clock, `buildManifest` (memoised) answers exactly what a plain build and
 * render answer — the same bytes, Cache-Control, timing, warnings and refusals — while the
 * requests walk through shape changes (an empty timeline filling up, a startNumber appearing,
 * the time-shift window growing, an event ending, a start number crossing 2^32).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { buildManifestModel, type ManifestRequest } from '../../../src/manifest/build.js';
import { buildManifest } from '../../../src/manifest/manifest.js';
import { clearManifestMemo, memoizedDocuments } from '../../../src/manifest/memo.js';
import { renderManifest } from '../../../src/manifest/render.js';
import { resolveOptions } from '../../../src/options/parse.js';
import type { StreamModel } from '../../../src/stream.js';
import { TEMPLATES, type Mode, type TemplateName } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';

const AST = Date.UTC(2025, 2, 1, 12, 0, 0);
const START = 'start=2025-03-01T12:00:00Z';
const streams = { bbb: fixtureStream('bbb'), demo: fixtureStream('demo') };

function request(
  stream: StreamModel,
  template: TemplateName,
  mode: Mode,
  query: string,
  nowMs: number,
): ManifestRequest | null {
  const entry = TEMPLATES[template];
  const resolved = resolveOptions({
    query: new URLSearchParams(query),
    mode,
    kind: 'manifest',
    stream,
    template: entry,
  });
  if (resolved.issues.length > 0) return null;
  return {
    stream,
    template: entry,
    mode,
    resolved,
    nowMs: resolved.options.now ?? nowMs,
    origin: 'http://localhost:5000',
    requestUrl: `http://localhost:5000/dash/${mode}/${stream.directory}/${template}.mpd?${query}`,
  };
}

/** What a request answers without the memo: the plain model, rendered. */
function plain(req: ManifestRequest) {
  const built = buildManifestModel(req);
  return built.kind === 'manifest' ? { ...built, xml: renderManifest(built.model) } : built;
}

/** Compares the memoised answer with the plain one; true when it was a manifest. */
function same(req: ManifestRequest, label: string): boolean {
  const want = plain(req);
  const got = buildManifest(req);
  if (want.kind !== 'manifest' || got.kind !== 'manifest') {
    assert.deepEqual(got, want, label);
    return false;
  }
  assert.equal(got.xml, want.xml, label);
  assert.equal(got.cacheControl, want.cacheControl, label);
  assert.deepEqual(got.timing, want.timing, label);
  assert.deepEqual(got.warnings, want.warnings, label);
  assert.deepEqual(got.model, want.model, label);
  return true;
}

/** Clocks 4 s apart from `from` seconds after AST, with sub-second offsets. */
const clocks = (from: number, count: number, stepMs = 4000) =>
  Array.from({ length: count }, (_, i) => AST + from * 1000 + i * stepMs + ((i * 337) % 1000));

const LIVE_QUERIES = [
  '',
  'timeline=1',
  'timeline=number',
  'timeline=1&depth=1800',
  'timeline=number&snr=-1',
  'snr=-1',
  'snr=0&timeline=number',
  'patch=1&timeline=1',
  'patch=1&timeline=number',
  'ato=2&chunkdur=0.5&ltgt=3000&timeline=1',
  'ato=inf&snr=-1',
  'thumbnails=1&timeline=1',
  'time=direct',
  'time=direct,head,http-ntp,iso,ntp,sntp,xsd&spd=-1&mup=-1',
  'base=1&baseurls=3&timeline=1',
  'depth=10&timeline=1',
  'drift=5&timeline=1',
  'mup=0',
  'update=3&timeline=1',
  'drm=playready&timeline=1',
  'drm=all',
  'events=ping&timeline=1',
  'events=ping&ping__inband=0&timeline=1',
  'events=scte35&scte35__inband=0',
  'segtimelineloss=[{cycle:60,rsq:10,rep:video}]&timeline=1',
  'segtimelineloss=[{cycle:60,rsq:10,count:2,rep:*}]&timeline=number',
  'verr=404=2025-03-01T12:00:30Z,503=12:02:00Z&timeline=1',
  'timesubsstpp=en,cy&timesubswvtt=en&timeline=1',
  'stop=2025-03-01T12:01:00Z&timeline=number&depth=300',
  'periods=60&timeline=1&continuous=1',
];

describe('the manifest memo gives the plain answer', () => {
  beforeEach(() => clearManifestMemo());

  it('hand_made live, every query, from the event start (shapes change) and later', () => {
    let manifests = 0;
    for (const [name, stream] of Object.entries(streams)) {
      for (const q of LIVE_QUERIES) {
        // the first seconds: empty timelines, startNumber 1 (left out with snr=-1), TSBD growing
        for (const nowMs of [AST - 500, ...clocks(0, 6, 700), ...clocks(590, 4), ...clocks(7200, 3)]) {
          for (const withNow of [false, true]) {
            const query = `${START}&${q}${withNow ? `&now=${nowMs}` : ''}`;
            const req = request(stream, 'hand_made', 'live', query, nowMs);
            assert.ok(req, `${name} ${query}: options`);
            if (same(req, `${name} ${query} @${nowMs}`)) manifests++;
          }
        }
      }
    }
    assert.ok(manifests > 1000, `${manifests} manifests compared`);
  });

  it('every template and mode, relative starts and keyword starts', () => {
    const cases: [TemplateName, Mode][] = Object.values(TEMPLATES).flatMap((t) =>
      t.modes.map((m) => [t.name, m] as [TemplateName, Mode]),
    );
    for (const [template, mode] of cases) {
      for (const q of [
        '',
        'timeline=1',
        'abr=0',
        'acodec=ec-3',
        'start=now',
        'startrel=-30',
        'start=today',
      ]) {
        for (const nowMs of clocks(600, 5, 2500)) {
          const req = request(streams.bbb, template, mode, q, nowMs);
          if (req) same(req, `${template} ${mode} ${q} @${nowMs}`);
        }
      }
    }
  });

  it('refuses, as the plain build does, once a segment number reaches 2^32 (§7.16)', () => {
    // bbb: 4 s segments from the epoch; with S0 = 2^31 − 1 the newest listed number reaches 2^32
    // 8589934600 s after AST
    const kinds = new Set<string>();
    for (const timeline of ['number', '0']) {
      const q = `start=epoch&timeline=${timeline}&snr=${2 ** 31 - 1}&depth=60`;
      for (let i = -12; i < 12; i++) {
        const nowMs = (8589934600 + i * 9) * 1000 + 250;
        const req = request(streams.bbb, 'hand_made', 'live', q, nowMs)!;
        same(req, `${q} @${nowMs}`);
        kinds.add(buildManifest(req).kind);
      }
    }
    assert.deepEqual([...kinds].sort(), ['InvalidOptions', 'manifest']);
  });

  it('memoises the common live documents, and not those with MPD events or Periods', () => {
    const run = (q: string) => {
      clearManifestMemo();
      for (const nowMs of clocks(600, 3)) {
        const req = request(streams.demo, 'hand_made', 'live', `${q}&now=${nowMs}`, nowMs)!;
        assert.equal(buildManifest(req).kind, 'manifest', q);
      }
      return memoizedDocuments();
    };
    for (const q of [
      'timeline=1',
      'timeline=0',
      'timeline=number&snr=-1',
      'patch=1&timeline=1',
      'time=direct',
    ])
      assert.equal(run(q), 1, q);
    for (const q of ['events=ping&ping__inband=0', 'periods=60&timeline=1']) assert.equal(run(q), 0, q);
  });

  it('keeps a bounded number of documents, and records a document at its second request', () => {
    const ask = (depth: number, nowMs: number) => {
      const req = request(streams.bbb, 'hand_made', 'live', `depth=${depth}&timeline=1`, nowMs)!;
      same(req, `depth=${depth} @${nowMs}`);
    };
    ask(10, AST + 86_400_000);
    assert.equal(memoizedDocuments(), 0, 'a URL asked for once is not recorded');
    ask(10, AST + 86_404_000);
    assert.equal(memoizedDocuments(), 1);
    for (let depth = 11; depth < 210; depth++) for (const nowMs of clocks(86_400, 2)) ask(depth, nowMs);
    const kept = memoizedDocuments();
    assert.ok(kept > 0 && kept <= 64, `${kept} documents kept`);
  });
});
