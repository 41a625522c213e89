import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { blobStoreContract } from '../support/blob-store-contract.js';

const store = () => new LocalBlobStore(mkdtempSync(join(tmpdir(), 'loopcast-blobs-')));

describe('LocalBlobStore', () => {
  blobStoreContract(store);

  it('removes its staging file when a write fails', async () => {
    const blobs = store();
    await assert.rejects(
      blobs.put('music/1-big.mp3', Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), {
        contentType: 'audio/mpeg',
        maxBytes: 15,
      }),
    );
    assert.deepEqual(readdirSync(blobs.staging), []);
  });
});
