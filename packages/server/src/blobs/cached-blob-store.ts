/**
 * A read-range cache in front of a remote blob store (app.md §6.2, `LOOPCAST_BLOB_CACHE_MB`): hot
 * byte ranges (init segments, indexes, fragments) stay off the network. Blob keys are never reused,
 * so a cached range can never go stale; entries only age out.
 */
import type { Readable } from 'node:stream';
import { ByteLru } from '../streaming/byte-lru.js';
import type { Metrics } from '../metrics/metrics.js';
import type { BlobInfo, BlobStore } from './blob-store.js';

export class CachedBlobStore implements BlobStore {
  private readonly ranges: ByteLru<Buffer>;

  constructor(
    readonly inner: BlobStore,
    cacheMb: number,
    private readonly metrics?: Metrics,
  ) {
    this.ranges = new ByteLru<Buffer>(cacheMb * 1024 * 1024);
  }

  get kind(): BlobStore['kind'] {
    return this.inner.kind;
  }

  put(
    key: string,
    source: NodeJS.ReadableStream | Readable,
    opts: { contentType: string; maxBytes?: number },
  ) {
    return this.inner.put(key, source, opts);
  }

  read(key: string, range?: { start: number; length: number }): Promise<Readable> {
    return this.inner.read(key, range);
  }

  async readBytes(key: string, start: number, length: number): Promise<Buffer> {
    const id = `${key}@${start}+${length}`;
    const cached = this.ranges.get(id);
    if (cached) {
      this.metrics?.blobCacheHits.inc();
      return cached;
    }
    this.metrics?.blobCacheMisses.inc();
    const stop = this.metrics?.blobReadSeconds.startTimer({ store: this.inner.kind });
    const bytes = await this.inner.readBytes(key, start, length);
    stop?.();
    this.ranges.set(id, bytes);
    this.metrics?.blobCacheBytes.set(this.ranges.size);
    return bytes;
  }

  stat(key: string): Promise<{ size: number } | null> {
    return this.inner.stat(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.inner.list(prefix);
  }

  check(): Promise<void> {
    return this.inner.check();
  }
}
