/**
 * `/metrics` (app.md §14.3): the Prometheus text with loopcast's own series after real requests,
 * access limited to private-network clients or the bearer token, and off by setting.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateAddress } from '../../packages/server/src/routes/metrics.js';
import { ApiClient } from '../support/api-client.js';
import { startTestServer } from '../support/loopcast.js';
import { freePort } from '../support/ports.js';

const PINNED = 'now=1740831000000&start=2025-03-01T12:00:00Z';

describe('/metrics', () => {
  it('counts requests, manifests and segments by bounded labels', async () => {
    const node = await startTestServer();
    try {
      const mpd = await (await fetch(`${node.origin}/dash/live/demo/hand_made.mpd?${PINNED}`)).text();
      const rep = /<Representation [^>]*id="([^"]+)"/.exec(mpd)?.[1];
      assert.ok(rep);
      assert.equal((await fetch(`${node.origin}/dash/live/demo/${rep}/init.m4v?${PINNED}`)).status, 200);
      assert.equal((await fetch(`${node.origin}/dash/live/demo/nosuch/init.m4v?${PINNED}`)).status, 404);
      assert.equal((await fetch(`${node.origin}/no/such/page`)).status, 404);
      const answer = await fetch(`${node.origin}/metrics`);
      assert.equal(answer.status, 200);
      assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await answer.text();
      assert.match(text, /^loopcast_build_info\{version="[^"]+",node="v20\.[^"]+"\} 1$/m);
      assert.match(text, /^loopcast_manifests_total\{template="hand_made",mode="live",status="200"\} 1$/m);
      assert.match(text, /^loopcast_segments_total\{mode="live",content_type="video",status="200"\} 1$/m);
      assert.match(text, /^loopcast_segments_total\{mode="live",content_type="video",status="404"\} 1$/m);
      assert.match(text, /^loopcast_http_requests_total\{route="\/dash\/\*",method="GET",status="200"\} 2$/m);
      assert.match(text, /^loopcast_http_requests_total\{route="unmatched",method="GET",status="404"\} 1$/m);
      assert.match(
        text,
        /^loopcast_http_request_duration_seconds_bucket\{le="0\.001",route="\/dash\/\*",method="GET"\} \d+$/m,
      );
      const bytes = Number(
        /^loopcast_http_response_bytes_total\{route="\/dash\/\*"\} (\d+)$/m.exec(text)?.[1],
      );
      assert.ok(bytes > mpd.length, `response bytes ${bytes} include the manifest's ${mpd.length}`);
      assert.match(text, /^loopcast_media_files\{state="indexed"\} [1-9]\d*$/m);
      assert.match(text, /^process_resident_memory_bytes \d+/m);
      // No raw URLs or stream names in any label.
      assert.doesNotMatch(text, /demo|nosuch|hand_made\.mpd/);
    } finally {
      await node.stop();
    }
  });

  it('answers only private-network clients without a token', async () => {
    const node = await startTestServer({ env: { LOOPCAST_TRUST_PROXY: '1' } });
    try {
      const outside = await fetch(`${node.origin}/metrics`, {
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      assert.equal(outside.status, 404);
      const inside = await fetch(`${node.origin}/metrics`, { headers: { 'x-forwarded-for': '10.1.2.3' } });
      assert.equal(inside.status, 200);
    } finally {
      await node.stop();
    }
  });

  it('needs the bearer token when one is set, and is off by setting', async () => {
    const node = await startTestServer({ env: { LOOPCAST_METRICS_TOKEN: 'scrape-me-please' } });
    const off = await startTestServer({ env: { LOOPCAST_METRICS: 'false' } });
    try {
      assert.equal((await fetch(`${node.origin}/metrics`)).status, 401);
      const wrong = await fetch(`${node.origin}/metrics`, { headers: { authorization: 'Bearer scrape-me' } });
      assert.equal(wrong.status, 401);
      const right = await fetch(`${node.origin}/metrics`, {
        headers: { authorization: 'Bearer scrape-me-please' },
      });
      assert.equal(right.status, 200);
      assert.equal((await fetch(`${off.origin}/metrics`)).status, 404);
    } finally {
      await node.stop();
      await off.stop();
    }
  });

  it('counts DAAP requests and reports the share revision', async () => {
    const daapPort = await freePort();
    const node = await startTestServer({
      env: { LOOPCAST_DAAP: 'on', LOOPCAST_DAAP_PORT: String(daapPort) },
    });
    try {
      const info = await fetch(`http://127.0.0.1:${daapPort}/server-info`);
      assert.equal(info.status, 200);
      await info.arrayBuffer();
      const text = await (await fetch(`${node.origin}/metrics`)).text();
      assert.match(text, /^loopcast_daap_requests_total\{route="\/server-info",status="200"\} 1$/m);
      assert.match(text, /^loopcast_daap_revision [1-9]\d*$/m);
    } finally {
      await node.stop();
    }
  });

  it('counts login attempts by result', async () => {
    const node = await startTestServer({ env: { LOOPCAST_ADMIN_PASSWORD: 'metrics-admin-password' } });
    try {
      const client = new ApiClient(node.origin);
      assert.equal((await client.login('admin', 'not-the-password')).status, 401);
      assert.equal((await client.login('admin', 'metrics-admin-password')).status, 200);
      const text = await (await fetch(`${node.origin}/metrics`)).text();
      assert.match(text, /^loopcast_login_attempts_total\{result="invalid"\} 1$/m);
      assert.match(text, /^loopcast_login_attempts_total\{result="ok"\} 1$/m);
    } finally {
      await node.stop();
    }
  });

  it('classifies client addresses', () => {
    for (const a of [
      '127.0.0.1',
      '::1',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '::ffff:192.168.0.9',
      'fd00::1',
      'fe80::1',
    ]) {
      assert.ok(isPrivateAddress(a), a);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '203.0.113.7', '::ffff:8.8.8.8', '2001:db8::1', '100.64.0.1']) {
      assert.ok(!isPrivateAddress(a), a);
    }
  });
});
