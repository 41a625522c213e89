/**
 * Where segment bytes come from (spec dash.md §9.1): the stored file's byte range for a fragment,
 * read from the blob store once and kept in an in-process LRU keyed by blob key and fragment
 * index, so the steady-state segment path neither reads the disk nor the network.
 */
import { rewriteInit, type IndexedSegment } from '@loopcast/bmff';
import type { BlobStore } from '../blobs/blob-store.js';
import { ByteLru } from './byte-lru.js';

export class SegmentSource {
  private readonly cache: ByteLru<Buffer>;
  private readonly pending = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly blobs: BlobStore,
    cacheMb: number,
  ) {
    this.cache = new ByteLru<Buffer>(cacheMb * 1024 * 1024);
  }

  /**
   * The init segment as served: rewritten once (mehd dropped in live, dash.md §9.2) and kept in the
   * same cache, so the init path does not re-parse the moov on every request.
   */
  async init(blobKey: string, segment: IndexedSegment, removeMehd: boolean): Promise<Buffer> {
    const key = `${blobKey}#init${removeMehd ? '-live' : ''}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const bytes = await this.fragment(blobKey, 0, segment);
    // vod serves the stored init byte for byte.
    if (!removeMehd) return bytes;
    const served = rewriteInit(bytes, { dropMehd: true });
    this.cache.set(key, served);
    return served;
  }

  /**
   * Bytes derived from stored ones (an init or fragment encrypted on the fly, drm-events.md
   * §8.7), made once per key and kept in the same cache, so a live edge is encrypted once per node.
   */
  derived(key: string, make: () => Buffer): Buffer {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const made = make();
    this.cache.set(key, made);
    return made;
  }

  /** The bytes of `segments[fragmentIndex]` of the blob (index 0 is the init segment). */
  async fragment(blobKey: string, fragmentIndex: number, segment: IndexedSegment): Promise<Buffer> {
    const key = `${blobKey}#${fragmentIndex}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    // Concurrent requests for the same fragment share one read.
    let reading = this.pending.get(key);
    if (!reading) {
      reading = this.blobs.readBytes(blobKey, segment.pos, segment.size).then(
        (bytes) => {
          this.pending.delete(key);
          this.cache.set(key, bytes);
          return bytes;
        },
        (err: unknown) => {
          this.pending.delete(key);
          throw err;
        },
      );
      this.pending.set(key, reading);
    }
    return reading;
  }
}
