/**
 * loopcast's own streams validate clean (validator.md §9): for `demo` and `bbb`, every template in
 * every mode it allows (variants and multi-period streams are in validate-templates-variants),
 * over real HTTP with the validator's fetcher and a pinned clock (`now=` in the URL, the same instant injected as the
 * validator's clock). No error, and no warning outside the table of expected warnings per template,
 * so a new one is noticed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFetcher, reportText, TEMPLATES, validate, type ValidationReport } from '@loopcast/dash';
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
    { url, duration: 4, encrypted: false, media: true, concurrency: 4 },
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

describe('loopcast streams validate clean', { timeout: 120_000 }, () => {
  it('every template in every mode, demo and bbb', async (t) => {
    const streams = withBbb ? ['demo', 'bbb'] : ['demo'];
    if (!withBbb) t.diagnostic('shared media absent: bbb skipped');
    let runs = 0;
    for (const stream of streams)
      for (const template of Object.values(TEMPLATES))
        for (const mode of template.modes) {
          await check(stream, `/dash/${mode}/${stream}/${template.name}.mpd`, template.name, mode);
          runs++;
        }
    assert.ok(runs >= 17);
  });
});
