/**
 * The streaming routes over real HTTP (dash.md §3): every template in every mode it allows
 * validates against the MPD schema (xmllint), segments are served with the planned timeline,
 * refusals map to their statuses, ranges and CORS behave, and ffmpeg — a second DASH client —
 * decodes what players get.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parseBoxes } from '@loopcast/bmff';
import { TEMPLATES } from '@loopcast/dash';
import { SHARED, sharedAvailable } from '../support/paths.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';

const run = promisify(execFile);
/** A pinned clock well inside the demo's first day of 2026 (default start=year). */
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
/** 300 s after an explicit availabilityStartTime: segment 150 is at the live edge. */
const LIVE = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 5, 0)}`;
let t: TestServer;
let withBbb = false;

before(async () => {
  t = await startTestServer();
  if (sharedAvailable()) {
    await addBbbStream(t);
    withBbb = true;
  }
});
after(() => t.stop());

const get = (path: string, init?: RequestInit) => fetch(`${t.origin}${path}`, init);

/** The decode time of the first tfdt and the mfhd sequence number of a media segment. */
function segmentTiming(bytes: Buffer): { sequence: number; decodeTime: bigint } {
  const boxes = parseBoxes(bytes);
  const moof = boxes.find((b) => b.type === 'moof');
  assert.ok(moof, 'segment has a moof');
  const mfhd = moof.children.find((b) => b.type === 'mfhd');
  const tfdt = moof.children.find((b) => b.type === 'traf')?.children.find((b) => b.type === 'tfdt');
  const mfhdFields = mfhd?.fields as { sequenceNumber: number };
  const tfdtFields = tfdt?.fields as { baseMediaDecodeTime: bigint | number };
  return { sequence: mfhdFields.sequenceNumber, decodeTime: BigInt(tfdtFields.baseMediaDecodeTime) };
}

describe('streaming routes', { timeout: 240_000 }, () => {
  it('serves every template in every mode it allows, each valid against the MPD schema', async (t2) => {
    if (!requireTool(t2, 'xmllint', 'libxml2-utils')) return;
    const dir = mkdtempSync(join(tmpdir(), 'loopcast-mpd-'));
    const files: string[] = [];
    const streams = withBbb ? ['demo', 'bbb'] : ['demo'];
    for (const stream of streams) {
      for (const template of Object.values(TEMPLATES)) {
        for (const mode of template.modes) {
          for (const query of ['', 'timeline=1', 'abr=0&timeline=number']) {
            const url = `/dash/${mode}/${stream}/${template.name}.mpd?now=${NOW}&${query}`;
            const response = await get(url);
            const body = await response.text();
            if (response.status === 400 && query) continue; // a template restriction refusing the option
            assert.equal(response.status, 200, `${url}: ${body.slice(0, 300)}`);
            assert.equal(response.headers.get('content-type'), 'application/dash+xml');
            assert.equal(response.headers.get('access-control-allow-origin'), '*');
            const file = join(dir, `${stream}-${template.name}-${mode}-${files.length}.mpd`);
            writeFileSync(file, body);
            files.push(file);
          }
        }
      }
    }
    assert.ok(files.length >= 16 * streams.length);
    const schema = join(SHARED, 'schema', 'DASH-MPD.xsd');
    const result = await run('xmllint', ['--nonet', '--noout', '--schema', schema, ...files]).catch(
      (e: { stderr: string }) => e,
    );
    assert.doesNotMatch(result.stderr, /fails to validate|error/, result.stderr.slice(0, 2000));
  });

  it('serves live segments on the planned timeline, continuous across a loop boundary', async () => {
    // The demo loop is 60 s = 30 video segments of 600 ticks (timescale 300), so segment 31
    // starts loop 1: its decode time must continue from segment 30's.
    const times: bigint[] = [];
    for (const n of [29, 30, 31, 32]) {
      const response = await get(`/dash/live/demo/demo_v3/${n}.m4v?${LIVE}`);
      assert.equal(response.status, 200, `segment ${n}`);
      assert.equal(response.headers.get('content-type'), 'video/mp4');
      const timing = segmentTiming(Buffer.from(await response.arrayBuffer()));
      assert.equal(timing.sequence, n);
      times.push(timing.decodeTime);
    }
    for (let i = 1; i < times.length; i++)
      assert.equal(times[i]! - times[i - 1]!, 600n, `tfdt step before segment ${29 + i}`);
    assert.equal(times[0], 28n * 600n);
    const audio = await get(`/dash/live/demo/demo_a1/31.m4a?${LIVE}`);
    assert.equal(audio.status, 200);
    assert.equal(
      segmentTiming(Buffer.from(await audio.arrayBuffer())).decodeTime,
      30n * 96000n,
      'audio loops with the video',
    );
  });

  it('drops mehd from live init segments and serves vod init segments byte for byte', async (t2) => {
    // bbb_v6 carries moov/mvex/mehd (the demo files do not), so this can fail.
    if (!requireShared(t2)) return;
    const live = Buffer.from(await (await get('/dash/live/bbb/bbb_v6/init.m4v')).arrayBuffer());
    const vod = Buffer.from(await (await get('/dash/vod/bbb/bbb_v6/init.m4v')).arrayBuffer());
    const stored = readFileSync(join(SHARED, 'media', 'bbb', 'bbb_v6.mp4'));
    const mehd = (bytes: Buffer) =>
      parseBoxes(bytes)
        .find((b) => b.type === 'moov')
        ?.children.find((b) => b.type === 'mvex')
        ?.children.some((b) => b.type === 'mehd');
    assert.deepEqual(vod, stored.subarray(0, vod.length), 'vod init is the stored init range');
    assert.equal(mehd(vod), true);
    assert.equal(mehd(live), false, 'live init has no mehd');
    assert.equal(live.length, vod.length - 16, 'only the 16-byte mehd box is gone');
  });

  it('maps availability to 425 and 410, and unknown names to 404', async () => {
    const early = await get(`/dash/live/demo/demo_v1/400.m4v?${LIVE}`);
    assert.equal(early.status, 425);
    assert.ok(Number(early.headers.get('retry-after')) >= 1);
    assert.equal(early.headers.get('cache-control'), 'no-store');
    assert.equal(((await early.json()) as { error: { code: string } }).error.code, 'too_early');
    const gone = await get(`/dash/live/demo/demo_v1/2.m4v?${LIVE}&depth=30`);
    assert.equal(gone.status, 410);
    for (const path of [
      '/dash/live/nosuch/hand_made.mpd',
      '/dash/live/demo/demo_v9/1.m4v',
      '/dash/live/demo/demo_v1/1.txt',
      '/dash/live/demo/',
      '/dash/vod/demo/manifest_vod_aiv.mpd',
    ]) {
      const response = await get(`${path}?${LIVE}`);
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get('access-control-allow-origin'), '*', `${path} carries CORS`);
    }
  });

  it('answers a bad option with 400 naming every bad parameter', async () => {
    const response = await get('/dash/live/demo/hand_made.mpd?depth=abc&timeline=maybe&unknown=1');
    assert.equal(response.status, 400);
    const body = (await response.json()) as {
      error: { code: string; fields: Record<string, string>; message: string };
    };
    assert.equal(body.error.code, 'invalid_field');
    assert.deepEqual(Object.keys(body.error.fields).sort(), ['depth', 'timeline']);
    assert.match(body.error.fields.depth ?? '', /^depth: "abc" is not valid; expected/);
  });

  it('answers 409 for a stream without a timing reference', async () => {
    const { db } = t.server.context.database;
    const now = new Date().toISOString();
    await db
      .insertInto('streams')
      .values({
        directory: 'notiming',
        title: 'No timing',
        marlin_la_url: null,
        playready_la_url: null,
        defaults: '{}',
        otf_kid: '1'.repeat(32),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .updateTable('change_counters')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', 'streams')
      .execute();
    await new Promise((r) => setTimeout(r, 1100)); // the model cache revalidates once a second
    const response = await get('/dash/live/notiming/hand_made.mpd');
    assert.equal(response.status, 409);
  });

  it('honours one byte range on generated segments and on-demand files', async () => {
    const whole = Buffer.from(await (await get(`/dash/vod/demo/demo_v3/3.m4v`)).arrayBuffer());
    const part = await get(`/dash/vod/demo/demo_v3/3.m4v`, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${whole.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.subarray(100, 200));
    const suffix = await get(`/dash/vod/demo/demo_v3/3.m4v`, { headers: { range: 'bytes=-10' } });
    assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), whole.subarray(whole.length - 10));
    const beyond = await get(`/dash/vod/demo/demo_v3/3.m4v`, {
      headers: { range: `bytes=${whole.length}-` },
    });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${whole.length}`);
    const several = await get(`/dash/vod/demo/demo_v3/3.m4v`, { headers: { range: 'bytes=0-1,5-6' } });
    assert.equal(several.status, 200, 'several ranges: the whole body');
    const file = await get('/dash/odvod/demo/demo_v3.m4v', { headers: { range: 'bytes=0-99' } });
    assert.equal(file.status, 206);
    assert.equal((await file.arrayBuffer()).byteLength, 100);
    const head = await get('/dash/odvod/demo/demo_v3.m4v', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get('content-length')) > 100_000);
  });

  it('answers CORS pre-flight, 405 for other methods, legacy URLs and the time sources', async () => {
    const preflight = await get('/dash/live/demo/hand_made.mpd', {
      method: 'OPTIONS',
      headers: { origin: 'http://player.test', 'access-control-request-headers': 'x-custom' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'x-custom');
    assert.equal(preflight.headers.get('access-control-max-age'), '86400');
    const post = await get('/dash/live/demo/hand_made.mpd', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS');
    const legacy = await get('/dash/demo/hand_made.mpd?mode=live&abr=0', { redirect: 'manual' });
    assert.equal(legacy.status, 302);
    assert.equal(legacy.headers.get('location'), '/dash/live/demo/hand_made.mpd?abr=0');
    const xsd = await get(`/time/xsd?now=${NOW}`);
    assert.equal(await xsd.text(), new Date(NOW).toISOString());
    assert.equal(xsd.headers.get('cache-control'), 'no-store');
    const iso = await get(`/time/iso?now=${NOW}`);
    assert.match(await iso.text(), /^2026-W23-1T12:00:00Z$/);
    const ntp = Buffer.from(await (await get(`/time/http-ntp?now=${NOW}`)).arrayBuffer());
    assert.equal(ntp.length, 8);
    assert.equal(ntp.readUInt32BE(0), (NOW / 1000 + 2208988800) % 2 ** 32);
    const head = await get(`/time/head?now=${NOW}`, { method: 'HEAD' });
    assert.equal(head.headers.get('date'), new Date(NOW).toUTCString());
  });

  it('publishes the option and template registries', async () => {
    const manifests = (await (await get('/api/manifests')).json()) as Record<string, { name: string }>;
    assert.deepEqual(
      Object.keys(manifests).sort(),
      Object.keys(TEMPLATES)
        .map((n) => `${n}.mpd`)
        .sort(),
    );
    const options = (await (await get('/api/cgiOptions')).json()) as unknown[];
    assert.ok(Array.isArray(options) && options.length >= 40);
  });

  it('is decoded by ffmpeg: the whole vod presentation and a live window of every template', async (t2) => {
    if (!requireTool(t2, 'ffmpeg', 'ffmpeg')) return;
    // Live runs stop after a frame count, not a duration: ffmpeg measures -t from the earliest
    // stream of the input, and audio and video windows start at different places.
    const frames = async (url: string, maxFrames?: number, clockBehind = false) => {
      const limit = maxFrames ? ['-frames:v', String(maxFrames)] : [];
      // `-f dash`: manifest_n's deliberately malformed profile URN (dash.md §6.10) defeats ffmpeg's probe.
      const ffmpeg = [
        'ffmpeg',
        '-v',
        'error',
        '-nostdin',
        '-f',
        'dash',
        '-i',
        url,
        '-map',
        '0:v:0',
        ...limit,
        '-f',
        'null',
        '-',
        '-progress',
        'pipe:1',
      ];
      const [command, ...args] = clockBehind ? ['faketime', '-f', '-8s', ...ffmpeg] : ffmpeg;
      const result = await run(command!, args, { timeout: 60_000 }).catch(
        (e: { stdout?: string; killed?: boolean }) => {
          assert.fail(`ffmpeg did not finish on ${url}${e.killed ? ' (timed out)' : ''}`);
        },
      );
      return Number([...result.stdout.matchAll(/^frame=(\d+)$/gm)].at(-1)?.[1] ?? 0);
    };
    // ffmpeg 5.1 starts a $Number$ live stream at the segment that contains its wall clock minus
    // suggestedPresentationDelay; templates that write neither that nor a SegmentTimeline
    // (manifest_ef, manifest_h, manifest_i) make it ask for the segment still being produced, get
    // 425 and run ahead (testing.md §4.3). For those, ffmpeg runs with its clock 8 s behind
    // (Debian's faketime), as a player that chose an 8 s presentation delay would.
    const noDelayTemplates = ['manifest_ef', 'manifest_h', 'manifest_i'];
    if (!requireTool(t2, 'faketime', 'faketime')) return;
    for (const template of Object.values(TEMPLATES)) {
      if (template.modes.includes('vod')) {
        assert.equal(
          await frames(`${t.origin}/dash/vod/demo/${template.name}.mpd?abr=0`),
          1800,
          `${template.name} vod: all 60 s at 30 fps`,
        );
      }
      if (!template.modes.includes('live')) continue;
      const decoded = await frames(
        `${t.origin}/dash/live/demo/${template.name}.mpd?abr=0`,
        120,
        noDelayTemplates.includes(template.name),
      );
      assert.equal(decoded, 120, `${template.name} live: 4 s of video decoded`);
    }
  });
});
