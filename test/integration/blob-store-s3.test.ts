/**
 * The S3 blob store against s3rver on loopback (app.md §6.2, testing.md §7): the same contract as
 * the local folder, a prefix kept inside the bucket, and a whole loopcast node on S3 serving the
 * demo stream byte for byte as the local store does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../packages/server/src/blobs/s3-blob-store.js';
import { blobStoreContract } from '../../packages/server/test/support/blob-store-contract.js';
import { startS3, type TestS3 } from '../support/s3.js';
import { startTestServer } from '../support/loopcast.js';

let s3: TestS3;
before(async () => {
  s3 = await startS3();
});
after(async () => {
  await s3?.stop();
});

const storeOn = async (prefix = '') =>
  new S3BlobStore({
    bucket: await s3.createBucket(),
    prefix,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
  });

describe('S3BlobStore on s3rver', () => {
  blobStoreContract(() => storeOn());

  it('keeps every object under its prefix and lists keys without it', async () => {
    const blobs = await storeOn('node-a/');
    await blobs.put('music/1-a.mp3', (await import('node:stream')).Readable.from([Buffer.from('abc')]), {
      contentType: 'audio/mpeg',
    });
    const raw = await s3.client().send(new ListObjectsV2Command({ Bucket: blobs.options.bucket }));
    assert.deepEqual(
      raw.Contents?.map((c) => c.Key),
      ['node-a/music/1-a.mp3'],
    );
    const listed = [];
    for await (const info of blobs.list('music/')) listed.push(info.key);
    assert.deepEqual(listed, ['music/1-a.mp3']);
  });

  it('fails its readiness check when the bucket does not exist', async () => {
    const blobs = new S3BlobStore({
      bucket: 'no-such-bucket-here',
      prefix: '',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
    });
    await assert.rejects(blobs.check());
  });
});

describe('a loopcast node on S3', () => {
  it('serves the demo stream with the same bytes as a node on the local folder', async () => {
    const onS3 = await startTestServer({ env: s3.env(await s3.createBucket()) });
    const local = await startTestServer();
    try {
      assert.equal(onS3.server.context.blobs.kind, 's3');
      // A pinned clock ten minutes into the stream (2025-03-01T12:10:00Z).
      const now = 'now=1740831000000&start=2025-03-01T12:00:00Z';
      const mpd = async (origin: string) =>
        (await fetch(`${origin}/dash/live/demo/hand_made.mpd?${now}`)).text();
      const manifestS3 = await mpd(onS3.origin);
      assert.match(manifestS3, /<MPD /);
      assert.equal(
        manifestS3.replaceAll(onS3.origin, ''),
        (await mpd(local.origin)).replaceAll(local.origin, ''),
      );
      const reps = [...manifestS3.matchAll(/<Representation [^>]*id="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(reps.length >= 2, 'the demo stream lists its representations');
      // Every URL the player would fetch first: each representation's init and one live segment.
      const urls = [...manifestS3.matchAll(/(initialization|media)="([^"]+)"/g)].map((m) => m[2]!);
      assert.ok(urls.length > 0);
      const segmentUrls = new Set<string>();
      for (const rep of reps) {
        for (const url of urls) {
          segmentUrls.add(
            url.replace('$RepresentationID$', rep).replace('$Number$', '150').replaceAll('&amp;', '&'),
          );
        }
      }
      for (const url of segmentUrls) {
        const a = await fetch(new URL(url, `${onS3.origin}/dash/live/demo/hand_made.mpd?${now}`));
        const b = await fetch(new URL(url, `${local.origin}/dash/live/demo/hand_made.mpd?${now}`));
        assert.equal(a.status, 200, url);
        assert.equal(b.status, 200, url);
        assert.ok(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(await b.arrayBuffer())), url);
      }
    } finally {
      await onS3.stop();
      await local.stop();
    }
  });
});

describe('S3 unreachable', () => {
  it('answers uncached segments with 503, keeps cached ones playing, and recovers', async () => {
    const node = await startTestServer({ env: s3.env(await s3.createBucket()) });
    try {
      const query = 'now=1740831000000&start=2025-03-01T12:00:00Z';
      const manifest = await (await fetch(`${node.origin}/dash/live/demo/hand_made.mpd?${query}`)).text();
      const rep = /<Representation [^>]*id="([^"]+)"/.exec(manifest)?.[1];
      const media = /media="([^"]+)"/.exec(manifest)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(rep && media, 'the manifest has a SegmentTemplate');
      const segment = (n: number) =>
        fetch(
          new URL(
            media.replace('$RepresentationID$', rep).replace('$Number$', String(n)),
            `${node.origin}/dash/live/demo/hand_made.mpd?${query}`,
          ),
        );
      assert.equal((await segment(150)).status, 200);
      await s3.pause();
      const cached = await segment(150);
      assert.equal(cached.status, 200, 'a cached segment is served without the store');
      const uncached = await segment(149);
      assert.equal(uncached.status, 503);
      assert.equal(uncached.headers.get('retry-after'), '5');
      assert.match(await uncached.text(), /media storage is unreachable/);
      await s3.resume();
      assert.equal((await segment(149)).status, 200, 'served again once the store is back');
    } finally {
      await s3.resume();
      await node.stop();
    }
  });
});
