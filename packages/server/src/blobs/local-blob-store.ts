/**
 * Local-folder blob store (spec app.md §6.2), the embedded default. A write goes to a staging file
 * created exclusively, is fsynced, renamed into place and the folder fsynced, so a crash leaves
 * either the whole object or nothing under its key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertValidKey,
  BlobNotFoundError,
  BlobTooLargeError,
  type BlobInfo,
  type BlobStore,
} from './blob-store.js';

export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  readonly staging: string;

  constructor(readonly root: string) {
    this.staging = join(root, 'staging');
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, 'objects', ...key.split('/'));
  }

  async put(
    key: string,
    source: NodeJS.ReadableStream | Readable,
    opts: { contentType: string; maxBytes?: number },
  ): Promise<{ size: number; sha256: string }> {
    const target = this.pathOf(key);
    await mkdir(this.staging, { recursive: true });
    const tempPath = join(this.staging, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const handle = await open(tempPath, 'wx');
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const piece of source as AsyncIterable<Buffer | string>) {
        const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
        size += chunk.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new BlobTooLargeError(opts.maxBytes);
        hash.update(chunk);
        await handle.write(chunk);
      }
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => {});
      await unlink(tempPath).catch(() => {});
      throw err;
    }
    await handle.close();
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(tempPath, target);
      await fsyncDirectory(dirname(target));
    } catch (err) {
      await unlink(tempPath).catch(() => {});
      throw err;
    }
    return { size, sha256: hash.digest('hex') };
  }

  async read(key: string, range?: { start: number; length: number }): Promise<Readable> {
    const path = this.pathOf(key);
    await this.requireExists(key, path);
    if (range && range.length === 0) return createReadStream(path, { start: 0, end: -1 });
    return createReadStream(path, range ? { start: range.start, end: range.start + range.length - 1 } : {});
  }

  async readBytes(key: string, start: number, length: number): Promise<Buffer> {
    const path = this.pathOf(key);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(`no blob ${key}`);
      throw err;
    }
    try {
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? buffer : buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const info = await stat(this.pathOf(key));
      return { size: info.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const base = join(this.root, 'objects');
    for await (const path of walk(base)) {
      const key = relative(base, path).split(sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await stat(path).catch(() => null);
      if (info) yield { key, size: info.size, modified: info.mtime };
    }
  }

  /** Staging files older than `maxAgeMs` (left by a crash mid-upload); removed by the sweep. */
  async removeStaleStaging(maxAgeMs: number, nowMs = Date.now()): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.staging).catch(() => [] as string[])) {
      const path = join(this.staging, name);
      const info = await stat(path).catch(() => null);
      if (info && nowMs - info.mtimeMs > maxAgeMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async check(): Promise<void> {
    await mkdir(this.staging, { recursive: true });
    const probe = join(this.staging, `.check-${randomBytes(4).toString('hex')}`);
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
  }

  private async requireExists(key: string, path: string): Promise<void> {
    try {
      await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(`no blob ${key}`);
      throw err;
    }
  }
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function* walk(dir: string): AsyncIterable<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
