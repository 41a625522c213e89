import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BlobKeyError, BlobNotFoundError, BlobTooLargeError } from '../../src/blobs/blob-store.js';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';

const store = () => new LocalBlobStore(mkdtempSync(join(tmpdir(), 'loopcast-blobs-')));

describe('LocalBlobStore', () => {
  it('stores, stats, reads ranges, lists and deletes', async () => {
    const blobs = store();
    const body = Buffer.from('0123456789abcdef');
    const result = await blobs.put('streams/demo/1-demo_v1.mp4', Readable.from([body]), {
      contentType: 'video/mp4',
    });
    assert.deepEqual(result, { size: 16, sha256: createHash('sha256').update(body).digest('hex') });
    assert.deepEqual(await blobs.stat('streams/demo/1-demo_v1.mp4'), { size: 16 });
    assert.equal((await blobs.readBytes('streams/demo/1-demo_v1.mp4', 4, 6)).toString(), '456789');
    assert.equal(await text(await blobs.read('streams/demo/1-demo_v1.mp4', { start: 10, length: 3 })), 'abc');
    const listed = [];
    for await (const info of blobs.list('streams/')) listed.push(info.key);
    assert.deepEqual(listed, ['streams/demo/1-demo_v1.mp4']);
    await blobs.delete('streams/demo/1-demo_v1.mp4');
    await blobs.delete('streams/demo/1-demo_v1.mp4');
    assert.equal(await blobs.stat('streams/demo/1-demo_v1.mp4'), null);
    await assert.rejects(blobs.readBytes('streams/demo/1-demo_v1.mp4', 0, 1), BlobNotFoundError);
  });

  it('refuses keys that could escape the folder', async () => {
    const blobs = store();
    for (const key of ['../x', '/abs', 'a//b', 'a/../b', 'a b', '']) {
      await assert.rejects(
        blobs.put(key, Readable.from([Buffer.from('x')]), { contentType: 'x' }),
        BlobKeyError,
        key,
      );
    }
  });

  it('leaves nothing behind when a write fails or exceeds the limit', async () => {
    const blobs = store();
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
    assert.deepEqual(readdirSync(blobs.staging), []);
  });

  it('passes its readiness check', async () => {
    await store().check();
  });
});
