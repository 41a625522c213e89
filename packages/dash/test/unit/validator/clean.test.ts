/** The in-memory bbb stream validates clean, static and dynamic, clear and encrypted (validator.md §9). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate } from '../../../src/validator/index.js';
import { reportText } from '../../../src/validator/report.js';
import type { ValidateOptions, ValidationReport } from '../../../src/validator/types.js';
import { contentProtection, mediaMissing, MPD_URL, streamRoutes } from './support/bbb.js';
import { RecordedFetcher } from './support/recorded.js';

const OPTS: ValidateOptions = { url: MPD_URL, duration: 0, encrypted: false, media: true, concurrency: 4 };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const errorsOf = (r: ValidationReport): string[] =>
  r.issues.filter((i) => i.severity !== 'info').map((i) => `${i.code}: ${i.message}`);

describe('validator on a clean stream', { skip: mediaMissing() }, () => {
  it('static: every segment checked, no issue, summary and codecs filled', async () => {
    const fetcher = new RecordedFetcher(streamRoutes());
    const r = await validate(OPTS, fetcher, {}, () => T0);
    assert.deepEqual(errorsOf(r), [], reportText(r));
    assert.equal(r.type, 'static');
    assert.equal(r.summary.initSegments, 2);
    assert.equal(r.summary.mediaSegments, 20);
    assert.equal(r.summary.manifests, 1);
    assert.deepEqual(
      r.codecs.map((c) => [c.representationId, c.description]),
      [
        ['bbb_v6', 'H.264 High profile, level 4.0'],
        ['bbb_a1', 'AAC-LC'],
      ],
    );
  });

  it('static with duration 8 s: the first two segments and the last of each Representation', async () => {
    const fetcher = new RecordedFetcher(streamRoutes());
    const r = await validate({ ...OPTS, duration: 8 }, fetcher, {}, () => T0);
    assert.deepEqual(errorsOf(r), []);
    const media = fetcher.requests
      .filter((q) => q.kind === 'media')
      .map((q) => q.url.split('/').slice(-2).join('/'));
    assert.deepEqual(
      media.filter((u) => u.startsWith('bbb_v6')),
      ['bbb_v6/1.m4s', 'bbb_v6/2.m4s', 'bbb_v6/10.m4s'],
    );
  });

  it('no media: init segments only', async () => {
    const fetcher = new RecordedFetcher(streamRoutes());
    const r = await validate({ ...OPTS, media: false }, fetcher, {}, () => T0);
    assert.equal(r.summary.mediaSegments, 0);
    assert.equal(r.summary.initSegments, 2);
  });

  it('encrypted: CENC video with its mp4protection descriptor is clean, and --encrypted asks for audio too', async () => {
    const o = { encrypted: true, videoExtra: contentProtection() };
    const r = await validate(OPTS, new RecordedFetcher(streamRoutes(o)), {}, () => T0);
    assert.deepEqual(errorsOf(r), [], reportText(r));
    assert.equal(r.codecs[0]!.encrypted, true);
    assert.deepEqual(r.codecs[0]!.kids, ['1ab45440532c439994dc5c5ad9584bac']);
    const strict = await validate(
      { ...OPTS, encrypted: true },
      new RecordedFetcher(streamRoutes(o)),
      {},
      () => T0,
    );
    assert.deepEqual(
      strict.issues.map((i) => i.code),
      ['CP_EXPECTED'],
    );
  });

  it('dynamic at a fixed clock: the window before the live edge plus the oldest segment', async () => {
    const ast = T0 - 42_000;
    const o = { dynamic: { ast, publishTime: T0 } };
    const fetcher = new RecordedFetcher(streamRoutes(o));
    const r = await validate({ ...OPTS, duration: 8 }, fetcher, {}, () => T0);
    assert.deepEqual(errorsOf(r), [], reportText(r));
    assert.equal(r.type, 'dynamic');
    assert.equal(r.clockOffsetMs, 0);
    const media = fetcher.requests
      .filter((q) => q.kind === 'media' && q.url.includes('bbb_v6/'))
      .map((q) => q.url.split('/').at(-1));
    // 42 s after the start, segments 1–10 (40 s, the whole Period) are available: oldest 1,
    // newest two 9 and 10; no MEDIA_EARLY probe past the Period end
    assert.deepEqual(media, ['1.m4s', '9.m4s', '10.m4s']);
  });
});

describe('run limits', { skip: mediaMissing() }, () => {
  it('a run past duration + 120 s ends with RUN_LIMIT, not aborted, with what it found', async () => {
    let now = T0;
    const routes = streamRoutes();
    const slow = new RecordedFetcher(routes);
    const fetcher = {
      fetch: (req: Parameters<RecordedFetcher['fetch']>[0]) => {
        now += 50_000; // every request takes 50 s of the (injected) clock
        return slow.fetch(req);
      },
    };
    const r = await validate({ ...OPTS, duration: 0 }, fetcher, {}, () => now);
    assert.equal(r.aborted, false);
    assert.deepEqual(
      r.issues.map((i) => i.code),
      ['RUN_LIMIT'],
    );
    assert.ok(r.summary.mediaSegments < 20, `${r.summary.mediaSegments} media segments before the limit`);
  });
});

describe('retries', { skip: mediaMissing() }, () => {
  it('a segment that answered only after retries is a MEDIA_FETCH warning, not an error', async () => {
    const recorded = new RecordedFetcher(streamRoutes());
    const fetcher = {
      fetch: async (req: Parameters<RecordedFetcher['fetch']>[0]) => {
        const r = await recorded.fetch(req);
        return req.url.endsWith('bbb_v6/2.m4s') ? { ...r, attempts: 3 } : r;
      },
    };
    const r = await validate(OPTS, fetcher, {}, () => T0);
    assert.equal(r.summary.errors, 0, reportText(r));
    assert.deepEqual(
      r.issues.map((i) => [i.code, i.severity, i.message]),
      [['MEDIA_FETCH', 'warning', 'the segment answered only after 3 attempts']],
    );
  });
});
