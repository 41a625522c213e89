/**
 * Reading boxes from a Buffer (everything lazy) or from a file handle for large files: the
 * top level is walked by reading only box headers, and just the boxes a caller asks for
 * (moov, each moof) are loaded; mdat payloads are never read (spec style.md item 8).
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { ParseContext } from './box-entry.js';
import { Box, parseBoxes } from './box.js';
import { BmffError, parseError } from './errors.js';
import { readBoxHeader, type BoxHeader } from './header.js';

export { parseBoxes };

/** Where a top-level box lies in its file. */
export interface BoxLocation extends BoxHeader {
  pos: number;
}

/** Reads the header of every top-level box of a Buffer without parsing any payload. */
export function scanBuffer(buf: Buffer): BoxLocation[] {
  const out: BoxLocation[] = [];
  for (let pos = 0; pos < buf.length;) {
    const h = readBoxHeader(buf, pos, buf.length);
    out.push({ ...h, pos });
    pos += h.size;
  }
  return out;
}

/** Enough for styp + sidx + a moof of a few hundred samples + the mdat header in one read. */
const WINDOW = 32 * 1024;

/** Reads a file through one small moving window, so walking headers costs one read per window. */
export class FileSource {
  private window = Buffer.alloc(0);
  private windowPos = 0;
  private readonly kept = new Map<number, Buffer>();

  constructor(
    readonly fh: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<{ source: FileSource; close: () => Promise<void> }> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw new BmffError('unreadable', `cannot open ${path}: ${(e as Error).message}`);
    }
    const st = await fh.stat();
    return { source: new FileSource(fh, st.size), close: () => fh.close() };
  }

  static async fromHandle(fh: FileHandle): Promise<FileSource> {
    const st = await fh.stat();
    return new FileSource(fh, st.size);
  }

  /** Bytes [pos, pos + len) of the file, served from the window when they fall inside it. */
  async read(pos: number, len: number): Promise<Buffer> {
    if (pos >= this.windowPos && pos + len <= this.windowPos + this.window.length) {
      return this.window.subarray(pos - this.windowPos, pos - this.windowPos + len);
    }
    const want = Math.min(Math.max(len, WINDOW), this.size - pos);
    const buf = Buffer.allocUnsafe(Math.max(want, 0));
    let got = 0;
    try {
      while (got < want) {
        const { bytesRead } = await this.fh.read(buf, got, want - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch (e) {
      throw new BmffError('unreadable', `read failed at ${pos}: ${(e as Error).message}`, pos);
    }
    this.window = buf.subarray(0, got);
    this.windowPos = pos;
    if (got < len) throw parseError(`file ends inside a box`, pos + got);
    return this.window.subarray(0, len);
  }

  /** Headers of all top-level boxes. Boxes whose type is in `keep` (moov, moof) are copied
   * while the window holds them, so loading them later costs no second read. */
  async scan(keep: ReadonlySet<string> = new Set()): Promise<BoxLocation[]> {
    const out: BoxLocation[] = [];
    for (let pos = 0; pos < this.size;) {
      const head = await this.read(pos, Math.min(32, this.size - pos));
      const h = readBoxHeader(head, 0, head.length, this.size - pos, pos);
      out.push({ ...h, pos });
      if (keep.has(h.type)) this.kept.set(pos, Buffer.from(await this.read(pos, h.size)));
      pos += h.size;
    }
    return out;
  }

  /** Loads one whole box as a lazily parsed Box (offsets reported in file coordinates). */
  async load(loc: BoxLocation, ctx: ParseContext = {}): Promise<Box> {
    const kept = this.kept.get(loc.pos);
    this.kept.delete(loc.pos);
    const bytes = kept && kept.length === loc.size ? kept : Buffer.from(await this.read(loc.pos, loc.size));
    return Box.fromBytes(bytes, 0, loc, loc.pos, ctx);
  }
}
