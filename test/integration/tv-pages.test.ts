/**
 * The TV pages (app.md §9.8) over HTTP: the menu lists streams, templates, modes and the TV options
 * from the registry; the form target redirects to the canonical play path; the play page's source
 * is the manifest URL with the options in canonical form, or `S-URL#manifest` for Marlin; bad
 * choices give 404/400 pages naming the problem; untrusted text (a stream title, query values) is
 * escaped; every script is ES5 (parsed by acorn at ecmaVersion 5), same-origin, not inline, and
 * each page with its script stays under 20 KB; with anonymous reading off the pages ask for a login.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'acorn';
import { createStream } from '../../packages/server/src/media/streams.js';
import { TV_SCRIPTS, TV_TEMPLATES } from '../../packages/server/src/tv/render.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const XSS = '"><img src=x onerror=alert(1)>';
let server: TestServer;

async function get(path: string): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await fetch(`${server.origin}${path}`, { redirect: 'manual' });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The same-origin scripts a page loads; inline scripts are refused by the CSP and by this check. */
function scriptsOf(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].map(([, attrs, body]) => {
    assert.equal(body!.trim(), '', 'no inline script');
    const src = /src="([^"]+)"/.exec(attrs!)?.[1] ?? '';
    assert.match(src, /^\/tv\/[a-z]+\.js$/, `script ${src} is a same-origin TV file`);
    return src;
  });
}

before(async () => {
  server = await startTestServer();
  await createStream(server.server.context.database.db, {
    directory: 'xss',
    title: XSS,
    marlinLaUrl: 'ms3://licence.example/s-url',
  });
});
after(() => server?.stop());

describe('TV scripts and templates', () => {
  it('every TV script is ES5 and under 20 KB', () => {
    assert.deepEqual([...TV_SCRIPTS.keys()].sort(), ['home.js', 'play.js']);
    for (const [name, source] of TV_SCRIPTS) {
      assert.doesNotThrow(
        () => parse(source, { ecmaVersion: 5, sourceType: 'script' }),
        `${name} is not ES5`,
      );
      assert.ok(Buffer.byteLength(source) < 20_000, `${name} is ${Buffer.byteLength(source)} bytes`);
      assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/, name);
    }
  });

  it('templates write values only escaped (<%= %>); the layout alone inserts the rendered page', () => {
    for (const [name, source] of TV_TEMPLATES) {
      const raw = [...source.matchAll(/<%~([\s\S]*?)%>/g)].map((m) => m[1]!.trim());
      assert.deepEqual(raw, name === 'layout' ? ['it.body'] : [], `${name}.eta raw output`);
    }
  });
});

describe('GET /tv/', () => {
  it('shows the streams (titles escaped), templates, modes and TV options with registry choices', async () => {
    const { status, html, headers } = await get('/tv/');
    assert.equal(status, 200);
    assert.match(headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
    assert.ok(!html.includes(XSS), 'the stream title is escaped');
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    for (const name of [
      'stream',
      'template',
      'mode',
      'drm',
      'timeline',
      'events',
      'abr',
      'acodec',
      'time',
      'depth',
    ]) {
      assert.match(html, new RegExp(`<select id="f-${name}" name="${name}">`), name);
    }
    assert.match(html, /<option value="marlin">Marlin<\/option>/);
    assert.deepEqual(scriptsOf(html), ['/tv/home.js']);
    const script = await fetch(`${server.origin}/tv/home.js`);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.ok(
      Buffer.byteLength(html) + Buffer.byteLength(await script.text()) < 20_000,
      'page + script < 20 KB',
    );
  });

  it('pre-selects the last choice from the query, ignoring values that are not choices', async () => {
    const { html } = await get(
      `/tv/?stream=demo&template=manifest_a&mode=vod&drm=marlin&abr=${encodeURIComponent(XSS)}`,
    );
    assert.match(html, /<option value="manifest_a" selected>/);
    assert.match(html, /<option value="vod" selected>/);
    assert.match(html, /<option value="marlin" selected>/);
    assert.ok(!html.includes(XSS));
  });
});

describe('GET /tv/play…', () => {
  it('the form target redirects to the canonical path with the TV options only', async () => {
    const res = await get(
      '/tv/play?stream=demo&template=hand_made&mode=live&drm=clearkey&abr=0&player=shaka',
    );
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/tv/play/live/demo/hand_made?drm=clearkey&abr=0');
  });

  it('plays the manifest URL with the options in canonical registry order', async () => {
    const { status, html } = await get('/tv/play/live/demo/hand_made?timeline=1&abr=0&depth=1800&unknown=1');
    assert.equal(status, 200);
    const src = /<video id="video" src="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    // depth=1800 is the default and unknown parameters are not options: neither is written.
    assert.equal(src, `${server.origin}/dash/live/demo/hand_made.mpd?abr=0&timeline=1`);
    assert.deepEqual(scriptsOf(html), ['/tv/play.js']);
    assert.match(html, /data-back="\/tv\/\?stream=demo&amp;template=hand_made&amp;mode=live/);
    const manifest = await fetch(src);
    assert.equal(manifest.status, 200, 'the source the TV plays is served');
  });

  it('uses S-URL#manifest for Marlin, from the stream or the marlin__la_url option', async () => {
    const fromStream = await get('/tv/play/vod/xss/hand_made?drm=marlin');
    const src = /<video id="video" src="([^"]+)"/.exec(fromStream.html)?.[1]?.replaceAll('&amp;', '&');
    assert.equal(src, `ms3://licence.example/s-url#${server.origin}/dash/vod/xss/hand_made.mpd?drm=marlin`);
    assert.ok(!fromStream.html.includes(XSS), 'the title is escaped on the play page');
    const overridden = await get(
      `/tv/play/vod/demo/hand_made?drm=marlin,clearkey&marlin__la_url=${encodeURIComponent('https://s.example/x')}`,
    );
    const src2 = /<video id="video" src="([^"]+)"/.exec(overridden.html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    assert.ok(src2.startsWith(`https://s.example/x#${server.origin}/dash/vod/demo/hand_made.mpd?`), src2);
    assert.match(src2, /drm=marlin,clearkey/);
  });

  it('answers 404 for an unknown stream, template or mode and 400 naming a bad option, with escaped text', async () => {
    const unknown = await get(`/tv/play/live/${encodeURIComponent(XSS)}/hand_made`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.html, /There is no such stream/);
    assert.ok(!unknown.html.includes(XSS));
    assert.equal((await get('/tv/play/live/demo/nothing')).status, 404);
    assert.equal((await get('/tv/play/later/demo/hand_made')).status, 404);
    const bad = await get(`/tv/play/vod/demo/hand_made?depth=${encodeURIComponent(XSS)}&abr=0`);
    assert.equal(bad.status, 400);
    assert.match(bad.html, /depth: /);
    assert.ok(!bad.html.includes(XSS), 'the bad value is escaped');
    assert.match(
      bad.html,
      /data-back="\/tv\/\?stream=demo&amp;template=hand_made&amp;mode=vod&amp;abr=0"/,
      'the way back drops the bad value',
    );
    assert.doesNotMatch(bad.html, /data-back="[^"]*depth/);
  });
});

describe('permission', () => {
  it('with anonymous reading off, the TV pages send the visitor to the login page', async () => {
    const closed = await startTestServer({ env: { LOOPCAST_ANONYMOUS_READ: 'false' }, demo: false });
    try {
      const res = await fetch(`${closed.origin}/tv/play/live/demo/hand_made?abr=0`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(
        res.headers.get('location'),
        `/login?next=${encodeURIComponent('/tv/play/live/demo/hand_made?abr=0')}`,
      );
    } finally {
      await closed.stop();
    }
  });
});
