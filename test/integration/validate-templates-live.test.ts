/**
 * The refresh and patch loop on real time (validator.md §9): live bbb `hand_made` followed for
 * 12 s, once refreshed through `Location` and once through `PatchLocation` (`patch=1`); both end
 * with refreshes done, every newly listed segment checked and no error or warning.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFetcher, reportText, validate, type ValidationReport } from '@loopcast/dash';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared } from '../support/tools.js';
import { sharedAvailable } from '../support/paths.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  if (sharedAvailable()) await addBbbStream(server);
});
after(() => server.stop());

function follow(query: string): Promise<ValidationReport> {
  return validate(
    {
      url: `${server.origin}/dash/live/bbb/hand_made.mpd${query}`,
      // Two refreshes at MUP 8 s: a patch asked for on the very edge of the next publish time may
      // correctly answer 425 (and the validator then fetches the whole MPD); the second gets one.
      duration: 20,
      encrypted: false,
      media: true,
      concurrency: 4,
    },
    createFetcher({ addressRule: false }),
  );
}

describe('live refresh loop on the real clock', { timeout: 60_000 }, () => {
  it('Location refreshes and PatchLocation patches both validate clean', async (t) => {
    if (!requireShared(t)) return;
    const [plain, patched] = await Promise.all([follow(''), follow('?patch=1')]);
    for (const r of [plain, patched]) {
      const bad = r.issues.filter((i) => i.severity !== 'info');
      assert.deepEqual(bad, [], reportText(r));
      assert.equal(r.type, 'dynamic');
      assert.ok(Math.abs(r.clockOffsetMs ?? 99_999) < 1000, 'synchronised with loopcast’s own time source');
    }
    // MUP 8 s: the first MPD, then refreshes every 8 s
    assert.ok(plain.summary.manifests >= 2, reportText(plain));
    assert.ok(patched.summary.patches >= 1, reportText(patched));
    // segments listed for the first time at each refresh were fetched as well
    const firstOnly = await validate(
      {
        url: `${server.origin}/dash/live/bbb/hand_made.mpd`,
        duration: 1,
        encrypted: false,
        media: true,
        concurrency: 4,
      },
      createFetcher({ addressRule: false }),
    );
    assert.ok(
      plain.summary.mediaSegments > firstOnly.summary.mediaSegments,
      `${plain.summary.mediaSegments} > ${firstOnly.summary.mediaSegments}`,
    );
  });
});
