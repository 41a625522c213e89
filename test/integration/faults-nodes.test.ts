/**
 * Statelessness of faults and MPD patch (drm-events.md §14.3): two loopcast nodes on one
 * database and one bucket. A `failures` sequence alternating nodes fails and succeeds in the same pattern as on
 * one node (the count lives in the client's cookie), and a patch for a base MPD produced by one
 * node is answered by the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { canonical, parseXml } from '@loopcast/dash';
import { applyPatch } from '../../packages/dash/test/unit/patch/apply.js';
import { sqliteDatabase, type TestDatabase } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { startS3, type TestS3 } from '../support/s3.js';

const AST = Date.UTC(2026, 0, 1);
const LIVE = `start=2026-01-01T00:00:00Z&now=${AST + 300_000}`;
let db: TestDatabase;
let s3: TestS3;
let nodes: [TestServer, TestServer];

before(async () => {
  // one database and one bucket: nothing a node keeps on its own disk serves the other
  db = sqliteDatabase();
  s3 = await startS3();
  const env = { DATABASE_URL: db.url, ...s3.env(await s3.createBucket()) };
  // one after the other: the second finds the demo stream the first installed
  const a = await startTestServer({ env });
  nodes = [a, await startTestServer({ env })];
});
after(async () => {
  for (const n of nodes ?? []) await n.stop();
  await db?.drop();
  await s3?.stop();
});

describe('faults and patches across two nodes', { timeout: 30_000 }, () => {
  it('counts failures in the cookie, whichever node answers', async () => {
    const path = `/dash/live/demo/demo_v1/101.m4v?verr=503=101&failures=2&${LIVE}`;
    let cookie = '';
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${nodes[i % 2]!.origin}${path}`, { headers: cookie ? { cookie } : {} });
      seen.push(r.status);
      await r.arrayBuffer();
      const set = r.headers.get('set-cookie');
      assert.ok(set, `node ${i % 2} answered ${r.status} without the counter cookie`);
      cookie = set.split(';')[0]!;
    }
    assert.deepEqual(seen, [503, 503, 200, 503, 503, 200]);
  });

  it('answers a patch for a base MPD made by the other node', async () => {
    const [a, b] = nodes;
    const query = `patch=1&depth=30&start=2026-01-01T00:00:00Z`;
    const base = await (
      await fetch(`${a.origin}/dash/live/demo/hand_made.mpd?${query}&now=${AST + 600_000}`)
    ).text();
    const m = /<PatchLocation ttl="30">([^<]+)<\/PatchLocation>/.exec(base);
    assert.ok(m, 'the MPD has a PatchLocation');
    const later = AST + 604_000;
    const url = m[1]!
      .replace(/&amp;/g, '&')
      .replace(a.origin, b.origin)
      .replace(/now=\d+/, `now=${later}`);
    const r = await fetch(url);
    assert.equal(r.status, 200, await r.clone().text());
    const current = await (
      await fetch(`${b.origin}/dash/live/demo/hand_made.mpd?${query}&now=${later}`)
    ).text();
    // the nodes differ in origin (port) and the pinned `now`; both are normalised
    const same = (x: string) =>
      x
        .replaceAll(a.origin, 'ORIGIN')
        .replaceAll(b.origin, 'ORIGIN')
        .replace(/now=\d+/g, 'now=N');
    assert.equal(same(canonical(applyPatch(base, await r.text()))), same(canonical(parseXml(current))));
  });
});
