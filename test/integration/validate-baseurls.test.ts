/**
 * MPD_BASEURL_ALTERNATIVES on loopcast's own several-BaseURL streams (validator.md §4.2;
 * drm-events.md §10.8): with `baseurls=2` both prefixes serve the same bytes and the run is clean,
 * reading only the init and first media segment of each Representation under `bu1/`; an `outage`
 * on `bu1/` gives INIT_FETCH and MEDIA_FETCH naming it; a loopback fixture that relays `bu1/` but
 * changes one init segment gives the MPD_BASEURL_ALTERNATIVES warning naming both BaseURLs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createFetcher,
  reportText,
  validate,
  type Fetcher,
  type FetchRequest,
  type ValidationReport,
} from '@loopcast/dash';
import { startFixtureServer } from '../fixtures/validator/fixture-server.js';
import { LIVE, NOW } from '../fixtures/validator/own-streams.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

/** The run's fetcher, counting requests by URL. */
function counting(): { fetcher: Fetcher; urls: string[] } {
  const inner = createFetcher({ addressRule: false });
  const urls: string[] = [];
  return {
    urls,
    fetcher: {
      fetch(req: FetchRequest) {
        urls.push(req.url);
        return inner.fetch(req);
      },
    },
  };
}

const REPS = ['demo_a1', 'demo_t1', 'demo_v1', 'demo_v2', 'demo_v3'];

async function live(query: string, fetcher: Fetcher): Promise<ValidationReport> {
  return validate(
    {
      url: `${server.origin}/dash/live/demo/hand_made.mpd?${query}&${LIVE}`,
      duration: 4,
      encrypted: false,
      media: true,
      concurrency: 4,
    },
    fetcher,
    {},
    () => NOW,
  );
}

describe('BaseURL alternatives on loopcast streams', { timeout: 60_000 }, () => {
  it('baseurls=2: clean, with init + first media segment per Representation under bu1/', async () => {
    const { fetcher, urls } = counting();
    const r = await live('baseurls=2', fetcher);
    assert.deepEqual(r.issues, [], reportText(r));
    const bu1 = urls.filter((u) => u.includes('/demo/bu1/'));
    assert.equal(bu1.length, 2 * REPS.length, bu1.join('\n'));
    for (const rep of REPS) {
      assert.equal(bu1.filter((u) => u.includes(`/bu1/${rep}/init.`)).length, 1, rep);
      assert.equal(bu1.filter((u) => u.includes(`/bu1/${rep}/`) && !u.includes('/init.')).length, 1, rep);
    }
  });

  it('an outage on bu1/ → INIT_FETCH and MEDIA_FETCH naming bu1/ for every Representation', async () => {
    const r = await live('baseurls=2&outage=-,d10', counting().fetcher);
    const bu1 = `${server.origin}/dash/live/demo/bu1/`;
    const { issues } = r;
    assert.deepEqual(
      issues
        .map((i) => `${i.code} ${i.location.kind === 'segment' ? i.location.representationId : ''}`)
        .sort(),
      REPS.flatMap((rep) => [`INIT_FETCH ${rep}`, `MEDIA_FETCH ${rep}`]).sort(),
      reportText(r),
    );
    for (const i of issues) {
      assert.ok(i.message.startsWith(`under the alternative BaseURL ${bu1}, `), i.message);
      assert.match(i.message, /HTTP 404/);
    }
  });

  it('a mirror serving other bytes for one init segment → MPD_BASEURL_ALTERNATIVES naming both', async () => {
    const mpd = `${server.origin}/dash/vod/demo/hand_made.mpd?baseurls=2`;
    const bu0 = `${server.origin}/dash/vod/demo/bu0/`;
    const loopcastBu1 = `${server.origin}/dash/vod/demo/bu1/`;
    const fixture = await startFixtureServer(async (path) => {
      if (path === '/stream.mpd') {
        const text = (await (await fetch(mpd)).text()).replace(loopcastBu1, `${fixture.origin}/bu1/`);
        return { headers: { 'content-type': 'application/dash+xml' }, body: text };
      }
      if (!path.startsWith('/bu1/')) return undefined;
      // relay loopcast's bu1/ whole; the validator's range handling is the fixture's
      const r = await fetch(loopcastBu1 + path.slice('/bu1/'.length));
      const body = Buffer.from(await r.arrayBuffer());
      if (path.startsWith('/bu1/demo_v2/init.')) body.writeUInt8(body.at(-1)! ^ 0xff, body.length - 1);
      return { status: r.status, headers: { 'content-type': r.headers.get('content-type') ?? '' }, body };
    });
    try {
      const r = await validate(
        { url: `${fixture.origin}/stream.mpd`, duration: 4, encrypted: false, media: true, concurrency: 4 },
        createFetcher({ addressRule: false }),
      );
      const { issues } = r;
      assert.deepEqual(
        issues.map((i) => i.code),
        ['MPD_BASEURL_ALTERNATIVES'],
        reportText(r),
      );
      const [w] = issues;
      assert.equal(w!.severity, 'warning');
      assert.ok(
        w!.message.startsWith('the init segment demo_v2/init.m4v differs between BaseURL '),
        w!.message,
      );
      assert.ok(
        w!.message.includes(`BaseURL ${bu0} (`) && w!.message.includes(`BaseURL ${fixture.origin}/bu1/ (`),
      );
      // two requests per Representation under the mirror, besides the MPD
      assert.equal(fixture.requests.filter((p) => p.startsWith('/bu1/')).length, 2 * REPS.length);
    } finally {
      await fixture.close();
    }
  });
});
