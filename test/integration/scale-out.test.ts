/**
 * Stateless nodes (issue "Scale out", app.md §13.4): two nodes on one PostgreSQL database and one
 * S3 bucket answer the same URL at the same pinned clock with the same bytes, so a player whose
 * requests alternate between them sees one continuous stream; and a node rides out a PostgreSQL
 * restart with 503s, recovering without a restart of its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postgresDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { startPostgres, type PostgresCluster } from '../support/postgres.js';
import { startS3, type TestS3 } from '../support/s3.js';

/** Ten minutes into a stream that started at 2025-03-01T12:00:00Z. */
const PINNED = 'now=1740831000000&start=2025-03-01T12:00:00Z';

const bytesOf = async (url: string) => {
  const answer = await fetch(url);
  return { status: answer.status, body: Buffer.from(await answer.arrayBuffer()) };
};

/** Every init and media URL a player would fetch from the manifest, numbers first..first+count-1. */
function segmentUrls(manifest: string, first: number, count: number): string[] {
  const reps = [...manifest.matchAll(/<Representation [^>]*id="([^"]+)"/g)].map((m) => m[1]!);
  const init = /initialization="([^"]+)"/.exec(manifest)?.[1]?.replaceAll('&amp;', '&');
  const media = /media="([^"]+)"/.exec(manifest)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(reps.length && init && media, 'the manifest has Representations and a SegmentTemplate');
  const urls: string[] = [];
  for (const rep of reps) {
    urls.push(init.replace('$RepresentationID$', rep));
    for (let n = first; n < first + count; n++) {
      urls.push(media.replace('$RepresentationID$', rep).replace('$Number$', String(n)));
    }
  }
  return urls;
}

describe('two nodes on one PostgreSQL database and one bucket', () => {
  let s3: TestS3;
  let database: TestDatabase | null = null;
  const nodes: TestServer[] = [];
  before(async () => {
    s3 = await startS3();
  });
  after(async () => {
    for (const node of nodes) await node.stop();
    await database?.drop();
    await s3?.stop();
  });

  it('serve byte-identical manifests and segments, so alternating requests play on', async (t) => {
    database = await postgresDatabase();
    if (!database) {
      const message = 'TEST_PG_URL is not set: run through npm run test:integration';
      if (process.env.CI === 'true') throw new Error(message);
      return t.skip(message);
    }
    const env = { DATABASE_URL: database.url, ...s3.env(await s3.createBucket()) };
    // One after the other: the second finds the demo content, secrets and admin the first made.
    nodes.push(await startTestServer({ env }));
    nodes.push(await startTestServer({ env }));
    const [a, b] = nodes as [TestServer, TestServer];

    for (const path of ['/dash/live/demo/hand_made.mpd', '/dash/vod/demo/hand_made.mpd']) {
      const fromA = await (await fetch(`${a.origin}${path}?${PINNED}`)).text();
      const fromB = await (await fetch(`${b.origin}${path}?${PINNED}`)).text();
      assert.match(fromA, /<MPD /);
      assert.equal(fromA.replaceAll(a.origin, ''), fromB.replaceAll(b.origin, ''), path);
    }

    const manifestUrl = `${a.origin}/dash/live/demo/hand_made.mpd?${PINNED}`;
    const manifest = await (await fetch(manifestUrl)).text();
    const urls = segmentUrls(manifest, 140, 6);
    let i = 0;
    for (const url of urls) {
      // The player's requests alternate between the nodes; each answer must equal the other node's.
      const [first, second] = i++ % 2 === 0 ? [a, b] : [b, a];
      const one = await bytesOf(new URL(url, manifestUrl.replace(a.origin, first.origin)).href);
      const other = await bytesOf(new URL(url, manifestUrl.replace(a.origin, second.origin)).href);
      assert.equal(one.status, 200, url);
      assert.equal(other.status, 200, url);
      assert.ok(one.body.equals(other.body), `${url}: the nodes differ`);
    }
  });

  it('count `failures` across nodes and serve the same MPD patch from either', async (t) => {
    if (nodes.length < 2) return t.skip('needs the two nodes of the previous test');
    const [a, b] = nodes as [TestServer, TestServer];
    const manifest = await (await fetch(`${a.origin}/dash/live/demo/hand_made.mpd?${PINNED}`)).text();
    const rep = /<AdaptationSet [^>]*contentType="video"[\s\S]*?<Representation [^>]*id="([^"]+)"/.exec(
      manifest,
    )?.[1];
    assert.ok(rep, 'a video Representation');
    // drm-events.md §10.4: fail twice, then succeed once; the count travels in the client's cookie.
    const path = `/dash/live/demo/${rep}/141.m4v?${PINNED}&verr=503=141&failures=2`;
    let cookie = '';
    const statuses: number[] = [];
    for (const node of [a, b, a, b]) {
      const answer = await fetch(`${node.origin}${path}`, { headers: cookie ? { cookie } : {} });
      await answer.arrayBuffer();
      statuses.push(answer.status);
      const set = answer.headers.getSetCookie().find((c) => c.startsWith('loopcast_faults='));
      if (set !== undefined) cookie = set.split(';')[0]!;
    }
    assert.deepEqual(statuses, [503, 503, 200, 503], 'two failures, one success, then failing again');

    // MPD patch (drm-events.md §11): the PatchLocation one node gives is answered alike by the other.
    const options = `${PINNED}&timeline=1&patch=1`;
    const withPatch = await (await fetch(`${a.origin}/dash/live/demo/hand_made.mpd?${options}`)).text();
    const location = /<PatchLocation[^>]*>([^<]+)<\/PatchLocation>/
      .exec(withPatch)?.[1]
      ?.replaceAll('&amp;', '&');
    assert.ok(location, 'the MPD offers a PatchLocation');
    const later = (origin: string) =>
      new URL(
        location.replace(/now=\d+/, 'now=1740831030000'),
        `${origin}/dash/live/demo/hand_made.mpd`,
      ).href.replace(a.origin, origin);
    const patchA = await fetch(later(a.origin));
    const patchB = await fetch(later(b.origin));
    assert.equal(patchA.status, 200, later(a.origin));
    assert.equal(patchB.status, 200);
    assert.equal(
      (await patchA.text()).replaceAll(a.origin, ''),
      (await patchB.text()).replaceAll(b.origin, ''),
    );
  });
});

describe('PostgreSQL restarted under a running node', () => {
  let cluster: PostgresCluster | null = null;
  let node: TestServer | null = null;
  after(async () => {
    await node?.stop();
    cluster?.stop();
  });

  it('answers 503 while the database is down and recovers by itself', async (t) => {
    try {
      cluster = await startPostgres();
    } catch (err) {
      const message = `PostgreSQL is not available: ${(err as Error).message}`;
      if (process.env.CI === 'true') throw err;
      return t.skip(message);
    }
    node = await startTestServer({ env: { DATABASE_URL: cluster.url } });
    const api = `${node.origin}/api/streams`;
    const manifest = `${node.origin}/dash/live/demo/hand_made.mpd?${PINNED}`;
    assert.equal((await fetch(api)).status, 200);
    assert.equal((await fetch(manifest)).status, 200);

    cluster.pause();
    // Past the stream-model cache's revalidation interval (one second), so the manifest needs the
    // database too.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const down = await fetch(api);
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '5');
    assert.match(await down.text(), /database is unreachable/);
    const manifestDown = await fetch(manifest);
    assert.ok([200, 503].includes(manifestDown.status), `manifest while down: ${manifestDown.status}`);
    const ready = await fetch(`${node.origin}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal((await fetch(`${node.origin}/healthz`)).status, 200, 'liveness never needs the database');

    cluster.resume();
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      status = (await fetch(api)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(status, 200, 'the API answers again once PostgreSQL is back');
    assert.equal((await fetch(manifest)).status, 200);
    assert.equal((await fetch(`${node.origin}/readyz`)).status, 200);
  });
});
