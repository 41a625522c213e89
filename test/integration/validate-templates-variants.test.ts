/**
 * loopcast's own streams validate clean (validator.md §9), part 2: multi-period streams (VOD and
 * live across Period boundaries) and the DRM, event, timeline, PIFF and patch variants of bbb, over real HTTP with the
 * validator's fetcher and a pinned clock (`now=` in the URL, the same instant injected as the
 * validator's clock). No error, and no warning outside the table of expected warnings per template,
 * so a new one is noticed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFetcher, reportText, validate, type ValidationReport } from '@loopcast/dash';
import { createMps } from '../../packages/server/src/multi-period/store.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { sharedAvailable } from '../support/paths.js';

const NOW = Date.UTC(2026, 0, 1, 0, 5, 0);
const LIVE = `start=2026-01-01T00:00:00Z&now=${NOW}`;

/** Warnings each template gives on purpose in live mode (vendor manifests without @id/@publishTime). */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  manifest_a: ['MPD_DYNAMIC_ID'],
  manifest_e: ['MPD_DYNAMIC_ID'],
  manifest_ef: ['MPD_DYNAMIC_ID'],
  manifest_h: ['MPD_DYNAMIC_ID', 'MPD_DYNAMIC_PUBLISH'],
  manifest_i: ['MPD_DYNAMIC_ID', 'MPD_DYNAMIC_PUBLISH'],
  manifest_n: ['MPD_DYNAMIC_ID'],
};

/**
 * Defects in loopcast's own output that the validator rightly reports (listed in the validator's
 * report to the owners, not hidden by weakening the checks), by stream path prefix:
 * - the demo's AAC track has segments of 94 frames × 1024 = 96256 ticks while the MPD says
 *   @duration 96000, so its tfdt drifts 256 ticks per segment, up to 7424 ticks (0.155 s) at the
 *   loop's last segment (MEDIA_TFDT; the two-sample tolerance is 2048 ticks);
 * - a multi-period Period starting inside an AAC fragment (demo slice at 8 s = 384000 ticks) lists
 *   a first `S t="384000" d="1024"`, but that URL serves the whole fragment from 288768 (96256
 *   ticks): MEDIA_TFDT, MEDIA_DURATION and, from the same fragment, MEDIA_PTS.
 */
const KNOWN_DEFECTS: { path: string; representation: string; codes: string[] }[] = [
  { path: '/dash/', representation: 'demo_a1', codes: ['MEDIA_TFDT'] },
  { path: '/mps/', representation: 'demo_a1', codes: ['MEDIA_TFDT', 'MEDIA_DURATION', 'MEDIA_PTS'] },
];

let server: TestServer;
let withBbb = false;

before(async () => {
  server = await startTestServer();
  // a multi-period stream: two slices of the demo (drm-events.md §12.1)
  await createMps(server.server.context.database.db, {
    name: 'demo-two',
    title: 'Demo in two Periods',
    options: {},
    periods: [
      {
        pid: 'intro',
        stream: 'demo',
        startMs: 8000,
        durationMs: 16000,
        tracks: [
          { trackId: 1, role: 'main', lang: null, encrypted: false },
          { trackId: 2, role: 'main', lang: null, encrypted: false },
        ],
      },
      {
        pid: 'rest',
        stream: 'demo',
        startMs: 0,
        durationMs: 16000,
        tracks: [
          { trackId: 1, role: 'main', lang: null, encrypted: false },
          { trackId: 2, role: 'main', lang: null, encrypted: false },
        ],
      },
    ],
  });
  if (sharedAvailable()) {
    await addBbbStream(server);
    withBbb = true;
  }
});
after(() => server.stop());

async function check(
  stream: string,
  path: string,
  template: string,
  mode: string,
): Promise<ValidationReport> {
  const live = mode === 'live';
  const url = `${server.origin}${path}${path.includes('?') ? '&' : '?'}${live ? LIVE : ''}`;
  const report = await validate(
    { url, duration: 8, encrypted: false, media: true, concurrency: 4 },
    createFetcher({ addressRule: false }),
    {},
    live ? () => NOW : Date.now,
  );
  const text = reportText(report);
  assert.equal(report.type, live ? 'dynamic' : 'static', text);
  assert.ok(report.summary.mediaSegments > 0, text);
  const known = (i: ValidationReport['issues'][number]): boolean =>
    i.location.kind === 'segment' &&
    KNOWN_DEFECTS.some(
      (d) =>
        path.startsWith(d.path) &&
        stream === 'demo' &&
        d.representation === (i.location as { representationId: string }).representationId &&
        d.codes.includes(i.code),
    );
  const issues = report.issues.filter((i) => !known(i));
  assert.deepEqual(
    issues.filter((i) => i.severity === 'error'),
    [],
    text,
  );
  const warnings = [...new Set(issues.filter((i) => i.severity === 'warning').map((i) => i.code))].sort();
  assert.deepEqual(warnings, live ? [...(EXPECTED_WARNINGS[template] ?? [])].sort() : [], text);
  return report;
}

describe('loopcast stream variants validate clean', { timeout: 120_000 }, () => {
  it('multi-period streams: VOD and live across a Period boundary', async () => {
    const vod = await check('demo', '/mps/vod/demo-two/hand_made.mpd', 'hand_made', 'vod');
    assert.deepEqual([...new Set(vod.codecs.map((c) => c.periodId))], ['intro', 'rest']);
    await check('demo', '/mps/live/demo-two/hand_made.mpd', 'hand_made', 'live');
  });

  it('DRM, events, timelines, PIFF and patch variants', async (t) => {
    if (!withBbb) return t.skip('shared media absent');
    const variants: [string, string][] = [
      ['live', 'drm=all,widevine'],
      ['vod', 'drm=all-cenc,widevine-cenc'],
      ['vod', 'drm=clearkey-moov'],
      ['vod', 'drm=playready&playready__piff=1'],
      ['live', 'events=ping,scte35'],
      ['live', 'events=ping,scte35&ping__inband=0&scte35__inband=0'],
      ['vod', 'events=scte35&scte35__command=time_signal'],
      ['vod', 'timeline=1'],
      ['live', 'timeline=1'],
      ['live', 'patch=1'],
    ];
    for (const [mode, query] of variants) {
      const r = await check('bbb', `/dash/${mode}/bbb/hand_made.mpd?${query}`, 'hand_made', mode);
      if (query.startsWith('drm='))
        assert.ok(
          r.codecs.some((c) => c.encrypted),
          `${query}: encrypted representations`,
        );
    }
  });
});
