// FileMedia (daap.md §5.4): item.source is a file path; the size comes from stat, bytes are
// streamed with fs.createReadStream({ start, end }), the MIME type from magic bytes. The
// reference streamed the whole file for a range from 0 and read other ranges into memory.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { audioMimeOf, imageMimeOf } from './mime.js';
import type { ImageSource, MediaContext, MediaProvider, MediaSource } from './types.js';

async function head(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export interface FileMediaOptions {
  /** where to find an item's artwork file, if any */
  artworkPath?: (ctx: MediaContext) => string | undefined;
}

export class FileMedia implements MediaProvider {
  constructor(private readonly opts: FileMediaOptions = {}) {}

  async item(ctx: MediaContext): Promise<MediaSource | undefined> {
    const path = ctx.item.source;
    if (typeof path !== 'string') return undefined;
    let st;
    try {
      st = await stat(path);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const mime = ctx.item.mime ?? audioMimeOf(await head(path, 16)) ?? 'application/octet-stream';
    return {
      mime,
      size: st.size,
      seekable: true,
      open: (start, end) => createReadStream(path, { start, ...(end !== undefined ? { end } : {}) }),
    };
  }

  async artwork(ctx: MediaContext): Promise<ImageSource | undefined> {
    const p = this.opts.artworkPath?.(ctx);
    if (p === undefined) return undefined;
    let bytes: Uint8Array;
    try {
      const { readFile } = await import('node:fs/promises');
      bytes = await readFile(p);
    } catch {
      return undefined;
    }
    const mime = imageMimeOf(bytes);
    if (!mime) return undefined;
    return { mime, bytes: () => Promise.resolve(bytes) };
  }
}

/** A media provider for bytes held in memory (tests and examples). */
export class MemoryMedia implements MediaProvider {
  constructor(
    private readonly bytesOf: (ctx: MediaContext) => Uint8Array | undefined,
    private readonly artOf?: (ctx: MediaContext) => Uint8Array | undefined,
  ) {}

  item(ctx: MediaContext): Promise<MediaSource | undefined> {
    const b = this.bytesOf(ctx);
    if (!b) return Promise.resolve(undefined);
    return Promise.resolve({
      mime: ctx.item.mime ?? audioMimeOf(b) ?? 'application/octet-stream',
      size: b.length,
      seekable: true,
      // eslint-disable-next-line @typescript-eslint/require-await
      open: async function* (start: number, end?: number) {
        yield b.subarray(start, end === undefined ? undefined : end + 1);
      },
    });
  }

  artwork(ctx: MediaContext): Promise<ImageSource | undefined> {
    const b = this.artOf?.(ctx);
    const mime = b ? imageMimeOf(b) : undefined;
    if (!b || !mime) return Promise.resolve(undefined);
    return Promise.resolve({ mime, bytes: () => Promise.resolve(b) });
  }
}
