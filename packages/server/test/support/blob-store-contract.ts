/**
 * The behaviour every blob store must have (app.md §6.1), run against each implementation: the local
 * folder in the unit tier, S3 (s3rver on loopback) in the integration tier.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { it } from 'node:test';
import {
  BlobKeyError,
  BlobNotFoundError,
  BlobTooLargeError,
  type BlobStore,
} from '../../src/blobs/blob-store.js';

export function blobStoreContract(makeStore: () => Promise<BlobStore> | BlobStore): void {
  it('stores, stats, reads ranges, lists and deletes', async () => {
    const blobs = await makeStore();
    const body = Buffer.from('0123456789abcdef');
    const result = await blobs.put('streams/demo/1-demo_v1.mp4', Readable.from([body]), {
      contentType: 'video/mp4',
    });
    assert.deepEqual(result, { size: 16, sha256: createHash('sha256').update(body).digest('hex') });
    assert.deepEqual(await blobs.stat('streams/demo/1-demo_v1.mp4'), { size: 16 });
    assert.equal((await blobs.readBytes('streams/demo/1-demo_v1.mp4', 4, 6)).toString(), '456789');
    assert.equal(await text(await blobs.read('streams/demo/1-demo_v1.mp4', { start: 10, length: 3 })), 'abc');
    assert.equal(await text(await blobs.read('streams/demo/1-demo_v1.mp4')), body.toString());
    const listed = [];
    for await (const info of blobs.list('streams/')) listed.push(info.key);
    assert.deepEqual(listed, ['streams/demo/1-demo_v1.mp4']);
    await blobs.delete('streams/demo/1-demo_v1.mp4');
    await blobs.delete('streams/demo/1-demo_v1.mp4');
    assert.equal(await blobs.stat('streams/demo/1-demo_v1.mp4'), null);
    await assert.rejects(blobs.readBytes('streams/demo/1-demo_v1.mp4', 0, 1), BlobNotFoundError);
  });

  it('streams a large object in and reads any range of it back', async () => {
    const blobs = await makeStore();
    // Larger than one 8 MiB multipart part, produced piece by piece (never whole in memory).
    const piece = Buffer.alloc(1024 * 1024, 7);
    const pieces = 9;
    function* source() {
      for (let i = 0; i < pieces; i++) yield Buffer.from(piece.map((b, j) => (b + i + j) & 0xff));
    }
    const result = await blobs.put('music/3-large.mp3', Readable.from(source()), {
      contentType: 'audio/mpeg',
    });
    assert.equal(result.size, pieces * piece.length);
    const tail = await blobs.readBytes('music/3-large.mp3', 8 * piece.length + 10, 4);
    assert.deepEqual(
      [...tail],
      [0, 1, 2, 3].map((k) => (7 + 8 + 10 + k) & 0xff),
    );
    await blobs.delete('music/3-large.mp3');
  });

  it('refuses keys that could escape the folder', async () => {
    const blobs = await makeStore();
    for (const key of ['../x', '/abs', 'a//b', 'a/../b', 'a b', '']) {
      await assert.rejects(
        blobs.put(key, Readable.from([Buffer.from('x')]), { contentType: 'x' }),
        BlobKeyError,
        key,
      );
    }
  });

  it('leaves nothing behind when a write fails or exceeds the limit', async () => {
    const blobs = await makeStore();
    await assert.rejects(
      blobs.put('music/1-big.mp3', Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), {
        contentType: 'audio/mpeg',
        maxBytes: 15,
      }),
      BlobTooLargeError,
    );
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(
      blobs.put('music/2-broken.mp3', failing, { contentType: 'audio/mpeg' }),
      /connection reset/,
    );
    assert.equal(await blobs.stat('music/1-big.mp3'), null);
    assert.equal(await blobs.stat('music/2-broken.mp3'), null);
    const left = [];
    for await (const info of blobs.list('music/')) left.push(info.key);
    assert.deepEqual(left, []);
  });

  it('passes its readiness check', async () => {
    await (await makeStore()).check();
  });
}
