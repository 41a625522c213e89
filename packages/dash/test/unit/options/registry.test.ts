import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childQuery } from '../../../src/options/child-url.js';
import { cgiOptionsDocument, manifestsDocument } from '../../../src/options/documents.js';
import { resolveOptions } from '../../../src/options/parse.js';
import { OPTION_PARAMS, optionRow } from '../../../src/options/registry.js';
import { issueMessage } from '../../../src/options/row.js';
import { TEMPLATES } from '../../../src/templates/registry.js';
import { fixtureStream } from '../../fixtures/streams.js';

const BAD_CANDIDATES = ['bogus!value', 'x'.repeat(3000), '-99999999999', '99999999999999999', '1.23456'];

describe('option registry', () => {
  it('is in ascending parameter order with unique names', () => {
    assert.deepEqual([...OPTION_PARAMS], [...OPTION_PARAMS].sort());
    const full = new Set(OPTION_PARAMS.map((p) => optionRow(p).fullName));
    const short = new Set(OPTION_PARAMS.map((p) => optionRow(p).shortName));
    assert.equal(full.size, OPTION_PARAMS.length);
    assert.equal(short.size, OPTION_PARAMS.length);
  });

  it('round-trips every default and every choice through its codec', () => {
    for (const p of OPTION_PARAMS) {
      const row = optionRow(p);
      const text = row.codec.format(row.default);
      if (text === '') continue; // an empty value means the default (§4.1)
      const back = row.codec.parse(text);
      assert.ok(back.ok, `${p} default ${text}`);
      assert.equal(row.codec.format(back.value), text, p);
      for (const c of row.choices ?? []) assert.ok(row.codec.parse(c.value).ok, `${p} choice ${c.value}`);
    }
  });

  for (const p of OPTION_PARAMS) {
    it(`names ${p} for a bad value`, () => {
      const failing = BAD_CANDIDATES.filter((bad) => {
        const r = resolveOptions({ query: { [p]: bad }, mode: 'live', kind: 'manifest' });
        const issue = r.issues.find((i) => i.param === p);
        if (!issue) return false;
        assert.equal(issue.value, bad);
        assert.ok(issue.reason.startsWith('expected') || issue.reason.includes('expected'), issue.reason);
        return true;
      });
      assert.ok(failing.length > 0, `no bad value was refused for ${p}`);
    });
  }

  it('words 400 messages as the spec shows', () => {
    const r = resolveOptions({ query: { depth: 'abc', spd: '4000' }, mode: 'live', kind: 'manifest' });
    assert.deepEqual(r.issues.map(issueMessage), [
      'depth: "abc" is not valid; expected whole seconds from 0 to 172800',
      'spd: "4000" is not valid; expected -1, or seconds from 0 to 3600',
    ]);
  });

  it('reports every bad parameter at once and ignores unknown ones', () => {
    const r = resolveOptions({
      query: { abr: 'maybe', timeline: '2', foo: 'bar', time: 'xsd,xsd' },
      mode: 'live',
      kind: 'manifest',
    });
    assert.deepEqual(r.issues.map((i) => i.param).sort(), ['abr', 'time', 'timeline']);
  });

  it('parses every value syntax', () => {
    const r = resolveOptions({
      query: new URLSearchParams(
        'abr=OFF&timeline=number&start=2025-03-01T13:00:00%2B01:00&spd=1.5&time=http-ntp,xsd&drm=playready-pro-cenc,clearkey&depth=&depth=30',
      ),
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.hand_made,
    });
    assert.deepEqual(r.issues, []);
    assert.equal(r.options.abr, false);
    assert.equal(r.options.timeline, 'number');
    assert.equal(r.options.start, Date.UTC(2025, 2, 1, 12));
    assert.equal(r.options.spd, 1500);
    assert.deepEqual(r.options.time, ['http-ntp', 'xsd']);
    assert.equal(r.options.depth, 30);
    assert.equal(optionRow('drm').codec.format(r.options.drm), 'playready-cenc-pro,clearkey');
  });

  it('takes the Marlin URL schemes for the Marlin licence URL only (drm-events.md §3.3)', () => {
    const parse = (query: string) =>
      resolveOptions({
        query: new URLSearchParams(query),
        mode: 'live',
        kind: 'manifest',
        template: TEMPLATES.hand_made,
      });
    for (const url of [
      'ms3://la.example/s',
      'ms3s://la.example/s',
      'ms3a://la.example/s',
      'https://la.example/s',
    ])
      assert.deepEqual(parse(`marlin__la_url=${encodeURIComponent(url)}`).issues, [], url);
    assert.equal(parse('marlin__la_url=ftp://la.example/s').issues[0]?.param, 'marlin__la_url');
    assert.equal(parse('playready__la_url=ms3://la.example/s').issues[0]?.param, 'playready__la_url');
  });

  it('writes all for the three reference systems with the same locations', () => {
    const codec = optionRow('drm').codec;
    const r = codec.parse('playready,widevine-cenc,clearkey,marlin');
    assert.ok(r.ok);
    assert.equal(codec.format(r.value), 'all,widevine-cenc');
    assert.equal(codec.parse('all,clearkey').ok, false);
  });
});

describe('processing order (§4.3)', () => {
  it('applies stream defaults, then the URL; empty means the registry default', () => {
    const stream = fixtureStream('bbb', { timeShiftBufferDepth: 30, segmentTimeline: '1' });
    const a = resolveOptions({
      query: {},
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    assert.equal(a.options.depth, 30);
    assert.equal(a.options.timeline, 'time');
    const b = resolveOptions({
      query: { depth: '' },
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    assert.equal(b.options.depth, 1800);
  });

  it('skips stream defaults that do not validate, with a warning', () => {
    const stream = fixtureStream('bbb', {
      timeShiftBufferDepth: 'abc',
      now: 5,
      playready: { version: '2.0' },
    });
    const r = resolveOptions({ query: {}, mode: 'live', kind: 'manifest', stream });
    assert.equal(r.options.depth, 1800);
    assert.equal(r.warnings.length, 2);
    assert.deepEqual(r.issues, []);
  });

  it('applies restrictions and resets unsupported features', () => {
    const i = resolveOptions({
      query: { time: 'direct,xsd', timeline: '1' },
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.manifest_i,
    });
    assert.deepEqual(i.options.time, ['direct']);
    assert.equal(i.options.timeline, 'duration');
    const a = resolveOptions({
      query: { drm: 'all' },
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.manifest_a,
    });
    assert.deepEqual(a.options.drm, []);
    assert.equal(a.options.timeline, 'time');
    const n = resolveOptions({
      query: { timeline: 'number' },
      mode: 'vod',
      kind: 'manifest',
      template: TEMPLATES.manifest_n,
    });
    assert.equal(n.options.timeline, 'time');
    const e = resolveOptions({
      query: { spd: '12', mup: '4' },
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.manifest_a,
    });
    assert.equal(e.options.spd, null);
    assert.equal(e.options.mup, 4);
  });

  it('still refuses a malformed value that a restriction would replace', () => {
    const r = resolveOptions({
      query: { drm: 'nonsense' },
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.manifest_a,
    });
    assert.deepEqual(
      r.issues.map((x) => x.param),
      ['drm'],
    );
  });

  it('resets live-only options outside live and checks patch first', () => {
    const v = resolveOptions({
      query: { depth: '30', start: 'now' },
      mode: 'vod',
      kind: 'manifest',
      template: TEMPLATES.hand_made,
    });
    assert.equal(v.options.depth, 1800);
    assert.equal(v.options.start, 'year');
    const p = resolveOptions({
      query: { patch: '1' },
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.manifest_e,
    });
    assert.deepEqual(
      p.issues.map((x) => x.param),
      ['patch'],
    );
    const h = resolveOptions({
      query: { patch: '1' },
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.hand_made,
    });
    assert.equal(h.options.timeline, 'time');
  });

  it('applies derived low-latency rules', () => {
    const stream = fixtureStream('bbb');
    const r = resolveOptions({
      query: { chunkdur: '0.5' },
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    assert.equal(r.options.ato, 3500);
    assert.equal(r.options.ltgt, 3500);
    const bad = resolveOptions({
      query: { chunkdur: '5' },
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    assert.deepEqual(
      bad.issues.map((x) => x.param),
      ['chunkdur'],
    );
    const inf = resolveOptions({
      query: { ato: 'inf', timeline: '1' },
      mode: 'live',
      kind: 'manifest',
      stream,
      template: TEMPLATES.hand_made,
    });
    assert.deepEqual(
      inf.issues.map((x) => x.param),
      ['ato'],
    );
  });
});

describe('child URLs (§4.4)', () => {
  it('carries non-baseline options with the pinned start', () => {
    const r = resolveOptions({
      query: { depth: '30', now: '1740831002500', spd: '12', start: 'now' },
      mode: 'live',
      kind: 'manifest',
      template: TEMPLATES.hand_made,
    });
    const ast = Date.UTC(2025, 2, 1, 12);
    assert.equal(
      childQuery(r.options, r.baseline, 'video', { start: ast }),
      '?depth=30&now=1740831002500&start=2025-03-01T12:00:00Z',
    );
    assert.equal(
      childQuery(r.options, r.baseline, 'manifest', { start: ast }),
      '?depth=30&now=1740831002500&spd=12&start=2025-03-01T12:00:00Z',
    );
    assert.equal(childQuery(r.options, r.baseline, 'time'), '?now=1740831002500');
  });

  it('writes an option the template reset when the stream default would switch it back on', () => {
    const stream = fixtureStream('bbb', { drmSelection: 'all' });
    const r = resolveOptions({
      query: {},
      mode: 'vod',
      kind: 'manifest',
      stream,
      template: TEMPLATES.manifest_a,
    });
    assert.equal(childQuery(r.options, r.baseline, 'video'), '?drm=none');
  });
});

describe('registry documents (§3.6)', () => {
  it('lists every option and template', () => {
    const cgi = cgiOptionsDocument();
    assert.equal(cgi.length, OPTION_PARAMS.length);
    const drm = cgi.find((e) => e.param === 'drm');
    assert.ok(drm?.options.some(([, q]) => q === 'drm=all'));
    const m = manifestsDocument();
    assert.deepEqual(Object.keys(m).length, 9);
    assert.deepEqual(m['manifest_a.mpd']?.restrictions, { mode: ['live', 'vod'], drm: ['none'] });
    assert.deepEqual(m['hand_made.mpd']?.restrictions, {});
  });
});

describe('stream defaults validation (§4.5)', () => {
  it('names unknown, forbidden and malformed defaults by full name', async () => {
    const { validateStreamDefaults } = await import('../../../src/options/parse.js');
    const issues = validateStreamDefaults({
      timeShiftBufferDepth: 30,
      playready: { version: '2.0', piff: 'maybe' },
      now: 5,
      bogus: 1,
      segmentTimeline: true,
    });
    assert.deepEqual(
      issues.map((i) => i.param),
      ['playready.piff', 'now', 'bogus'],
    );
  });
});
