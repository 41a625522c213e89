/**
 * On-the-fly encryption over HTTP and ffmpeg decryption (drm-events.md §2.7, §8, §14.1, §14.3):
 * ffmpeg decrypts the stored bbb *_enc files and the demo stream encrypted with `cenc` and `cbcs`,
 * read from a pipe, with the test-seed key and the stream's computed key to the same frames as the
 * clear files (different frames with a wrong key); two independent installations serve the same
 * on-the-fly bytes. The shared hevc-rep.mp4 (H.265, hev1), installed as a stream of its own, is
 * encrypted on the fly in `cenc` and in `cbcs` (§8.6 slice headers) and decrypted by ffmpeg the
 * same way.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBoxes } from '@loopcast/bmff';
import { onTheFlyKid, testKeyHex } from '@loopcast/dash';
import { addMediaFileFromPath } from '../../packages/server/src/media/add-media-file.js';
import { createStream, setTimingReference } from '../../packages/server/src/media/streams.js';
import { SHARED } from '../support/paths.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';
import { requireShared, requireTool } from '../support/tools.js';
import { framemd5 } from '../support/framemd5.js';

const DEMO_KEY = '0b6221e1c146745c661f8c2f178a7adc';
const LIVE = `start=2026-01-01T00:00:00Z&now=${Date.UTC(2026, 0, 1, 0, 5, 0)}`;

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

const ok = async (path: string) => {
  const res = await fetch(`${t.origin}${path}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, `${path}: ${bytes.toString().slice(0, 300)}`);
  return bytes;
};

/** Installs ../shared/media/boxes/hevc-rep.mp4 as the stream `hevc` (one H.265 Representation). */
async function addHevcStream(test: TestServer): Promise<void> {
  const { db } = test.server.context.database;
  const stream = await createStream(db, { directory: 'hevc', title: 'HEVC' });
  const added = await addMediaFileFromPath(
    { db, blobs: test.server.context.blobs },
    stream,
    join(SHARED, 'media', 'boxes', 'hevc-rep.mp4'),
  );
  if (added.errors.length) throw new Error(`hevc-rep: ${added.errors.map((e) => e.reason).join(', ')}`);
  await setTimingReference(db, stream.id, added.id);
}

describe('on-the-fly encryption and ffmpeg decryption', () => {
  it('ffmpeg decrypts the stored bbb *_enc files from a pipe with the test-seed key (§2.7, §14.1)', (ctx) => {
    if (!requireShared(ctx) || !requireTool(ctx, 'ffmpeg', 'ffmpeg')) return;
    for (const name of ['bbb_v7', 'bbb_a1']) {
      const read = (n: string) => readFileSync(join(SHARED, 'media', 'bbb', `${n}.mp4`));
      const want = framemd5(read(name), undefined, 4);
      assert.ok(want.length > 0);
      assert.equal(framemd5(read(`${name}_enc`), 'd6d39cedee9024c88b64eb1bdd617a47', 4), want, name);
    }
  });

  it('two independent installations serve byte-identical on-the-fly segments (§2.6, §8.5, §14.3)', async () => {
    const other = await startTestServer();
    try {
      for (const path of [
        `/dash/live/demo/demo_v1/init.m4v?drm=clearkey&${LIVE}`,
        `/dash/live/demo/demo_v1/120.m4v?drm=clearkey&${LIVE}`,
        `/dash/live/demo/demo_a1/120.m4a?drm=clearkey&enc_scheme=cbcs&${LIVE}`,
      ]) {
        const here = await ok(path);
        const res = await fetch(`${other.origin}${path}`);
        assert.equal(res.status, 200);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(here), path);
      }
    } finally {
      await other.stop();
    }
  });

  for (const scheme of ['cenc', 'cbcs'] as const)
    it(`encrypts demo on the fly with ${scheme}; ffmpeg decrypts it to the clear frames (§8, §14.1)`, async (ctx) => {
      if (!requireTool(ctx, 'ffmpeg', 'ffmpeg')) return;
      const drm = `drm=clearkey&enc_scheme=${scheme}`;
      const mpd = (await ok(`/dash/vod/demo/hand_made.mpd?${drm}`)).toString();
      assert.match(
        mpd,
        new RegExp(`value="${scheme}" cenc:default_KID="2a41dba4-9af5-55c6-2986-df6811da02e6"`),
      );
      for (const [rep, ext] of [
        ['demo_v1', 'm4v'],
        ['demo_a1', 'm4a'],
      ] as const) {
        const clear: Buffer[] = [await ok(`/dash/vod/demo/${rep}/init.${ext}`)];
        const enc: Buffer[] = [await ok(`/dash/vod/demo/${rep}/init.${ext}?${drm}`)];
        for (let n = 1; n <= 2; n++) {
          clear.push(await ok(`/dash/vod/demo/${rep}/${n}.${ext}`));
          enc.push(await ok(`/dash/vod/demo/${rep}/${n}.${ext}?${drm}`));
        }
        const entry = parseBoxes(enc[0]!)
          .find((b) => b.type === 'moov')!
          .find('trak/mdia/minf/stbl/stsd')!.children[0]!;
        assert.equal(entry.type, ext === 'm4v' ? 'encv' : 'enca');
        assert.ok(!enc[1]!.equals(clear[1]!));
        const want = framemd5(Buffer.concat(clear));
        assert.ok(want.length > 0);
        assert.equal(framemd5(Buffer.concat(enc), DEMO_KEY), want, rep);
        assert.notEqual(
          framemd5(Buffer.concat(enc), 'd6d39cedee9024c88b64eb1bdd617a47'),
          want,
          `${rep} wrong key`,
        );
        // the same URL gives the same bytes (deterministic IVs, cache)
        assert.ok((await ok(`/dash/vod/demo/${rep}/2.${ext}?${drm}`)).equals(enc[2]!));
      }
    });

  describe('H.265 (hevc-rep.mp4 as the stream hevc)', () => {
    let installed = false;
    const HEVC_KEY = testKeyHex(onTheFlyKid('hevc'));
    const sampleEntry = (init: Buffer) =>
      parseBoxes(init)
        .find((b) => b.type === 'moov')!
        .find('trak/mdia/minf/stbl/stsd')!.children[0]!;

    for (const scheme of ['cenc', 'cbcs'] as const)
      it(`${scheme}: ffmpeg decrypts the on-the-fly segments to the clear frames (§8.4, §8.6)`, async (ctx) => {
        if (!requireShared(ctx) || !requireTool(ctx, 'ffmpeg', 'ffmpeg')) return;
        if (!installed) {
          await addHevcStream(t);
          installed = true;
        }
        const drm = `drm=clearkey&enc_scheme=${scheme}`;
        const mpd = (await ok(`/dash/vod/hevc/hand_made.mpd?${drm}`)).toString();
        const clear: Buffer[] = [await ok('/dash/vod/hevc/hevc-rep/init.m4v')];
        const enc: Buffer[] = [await ok(`/dash/vod/hevc/hevc-rep/init.m4v?${drm}`)];
        for (let n = 1; n <= 3; n++) {
          clear.push(await ok(`/dash/vod/hevc/hevc-rep/${n}.m4v`));
          enc.push(await ok(`/dash/vod/hevc/hevc-rep/${n}.m4v?${drm}`));
        }
        const want = framemd5(Buffer.concat(clear));
        assert.equal(want.split('\n').length, 144);
        assert.ok(mpd.includes(`urn:mpeg:dash:mp4protection:2011" value="${scheme}"`), 'signalled');
        const entry = sampleEntry(enc[0]!);
        assert.equal(entry.type, 'encv');
        assert.equal(entry.find('sinf/frma')?.payload.toString('latin1'), 'hev1');
        assert.equal(entry.find('sinf/schm')?.payload.subarray(4, 8).toString('latin1'), scheme);
        assert.ok(!enc[1]!.equals(clear[1]!));
        assert.equal(framemd5(Buffer.concat(enc), HEVC_KEY), want, 'right key');
        assert.notEqual(framemd5(Buffer.concat(enc), 'd6d39cedee9024c88b64eb1bdd617a47'), want, 'wrong key');
      });
  });
});
