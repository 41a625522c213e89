/**
 * One box of a lazily parsed tree. A box read from input keeps a view of its original bytes;
 * its fields and children are parsed on first access, and an untouched box is written back
 * from those bytes unchanged. Changing a box (set, update, insert, remove) marks it and its
 * ancestors dirty, so the writer re-serialises exactly that path and fixes every size on it.
 */
import { ByteReader } from './bytes.js';
import type { BoxEntry, ParseContext } from './box-entry.js';
import { parseError } from './errors.js';
import { readBoxHeader, type BoxHeader } from './header.js';
import { lookupEntry } from './registry.js';

export class Box {
  readonly type: string;
  readonly usertype: string | undefined;
  parent: Box | undefined;
  /** The original bytes, header included; undefined for a box built in memory. */
  readonly raw: Buffer | undefined;
  /** Offset of the box in the parsed input; -1 for a new box. */
  readonly offset: number;
  readonly headerSize: number;
  readonly sizeForm: BoxHeader['sizeForm'];
  readonly ctx: ParseContext;
  /** True once the box or anything below it changed. */
  dirty: boolean;
  /** The moof size that trun/saio offsets currently match (see moof-offsets.ts). */
  offsetsForSize: number;

  private parsed = false;
  private _fields: unknown = undefined;
  private _extra: Buffer | undefined;
  private _children: Box[] | undefined;
  private _trailer: Buffer | undefined;

  private constructor(
    type: string,
    usertype: string | undefined,
    raw: Buffer | undefined,
    offset: number,
    headerSize: number,
    sizeForm: BoxHeader['sizeForm'],
    ctx: ParseContext,
  ) {
    this.type = type;
    this.usertype = usertype;
    this.raw = raw;
    this.offset = offset;
    this.headerSize = headerSize;
    this.sizeForm = sizeForm;
    this.ctx = ctx;
    this.dirty = raw === undefined;
    this.offsetsForSize = raw?.length ?? 0;
    if (raw === undefined) this.parsed = true;
  }

  /** A box over input bytes whose header was already checked by readBoxHeader. */
  static fromBytes(buf: Buffer, pos: number, h: BoxHeader, base: number, ctx: ParseContext = {}): Box {
    return new Box(
      h.type,
      h.usertype,
      buf.subarray(pos, pos + h.size),
      base + pos,
      h.headerSize,
      h.sizeForm,
      ctx,
    );
  }

  /** A new box with typed fields (and children for containers). */
  static create<T>(entry: BoxEntry<T>, fields: T, children: Box[] = []): Box {
    const uuid = entry.type.startsWith('uuid:') ? entry.type.slice(5) : undefined;
    const b = new Box(uuid ? 'uuid' : entry.type, uuid, undefined, -1, uuid ? 24 : 8, 'compact', {});
    b._fields = fields;
    if (entry.container) {
      b._children = [];
      for (const c of children) b.insert(c);
    }
    return b;
  }

  /** A new box of unregistered type holding opaque payload bytes. */
  static opaque(type: string, payload: Buffer, usertype?: string): Box {
    const b = new Box(type, usertype, undefined, -1, usertype ? 24 : 8, 'compact', {});
    b._extra = payload;
    return b;
  }

  /** The registry key: the fourcc, or `uuid:<hex>` for uuid boxes. */
  get key(): string {
    return this.usertype === undefined ? this.type : `uuid:${this.usertype}`;
  }

  get entry(): BoxEntry | undefined {
    return lookupEntry(this.key);
  }

  /** Size of the original box; for new or changed boxes use writer.boxSize. */
  get originalSize(): number {
    return this.raw?.length ?? 0;
  }

  /** The original payload (after the header). */
  get payload(): Buffer {
    return this.raw ? this.raw.subarray(this.headerSize) : Buffer.alloc(0);
  }

  private ensureParsed(): void {
    if (this.parsed) return;
    const raw = this.raw!;
    const entry = this.entry;
    if (!entry) {
      this._extra = raw.subarray(this.headerSize);
      this.parsed = true;
      return;
    }
    // all or nothing: a box whose fields or children fail to parse stays unparsed (and throws
    // again on the next access), so it can never be written back with parts missing
    const r = new ByteReader(raw, this.headerSize, raw.length, this.offset);
    const fields = entry.parse(r, this.ctx);
    if (entry.container) {
      const children = parseChildren(raw, r.pos, raw.length, this.offset, this, {
        ...this.ctx,
        parentType: this.type,
      });
      const last = children.at(-1);
      const end = last ? last.offset - this.offset + last.originalSize : r.pos;
      this._children = children;
      if (end < raw.length) this._trailer = raw.subarray(end);
    } else if (r.remaining > 0) {
      this._extra = r.rest();
    }
    this._fields = fields;
    this.parsed = true;
  }

  /** Typed fields, parsed on first access. */
  get<T>(entry: BoxEntry<T>): T {
    if (entry.type !== this.key) throw new TypeError(`box '${this.key}' is not '${entry.type}'`);
    this.ensureParsed();
    return this._fields as T;
  }

  /** The parsed fields of whatever entry this box has (undefined for unregistered boxes). */
  get fields(): unknown {
    this.ensureParsed();
    return this._fields;
  }

  /** Payload bytes the entry did not read (unknown extensions, opaque boxes). */
  get extra(): Buffer | undefined {
    this.ensureParsed();
    return this._extra;
  }

  /** Bytes after the last child of a container that do not form a box (kept verbatim). */
  get trailer(): Buffer | undefined {
    this.ensureParsed();
    return this._trailer;
  }

  get isContainer(): boolean {
    return this.entry?.container === true;
  }

  /** Child boxes, parsed on first access; empty for leaf boxes. */
  get children(): readonly Box[] {
    this.ensureParsed();
    return this._children ?? [];
  }

  child(type: string): Box | undefined {
    return this.children.find((c) => c.type === type || c.key === type);
  }

  all(type: string): Box[] {
    return this.children.filter((c) => c.type === type || c.key === type);
  }

  /** The first descendant along a slash-separated path, e.g. `trak/mdia/mdhd`. */
  find(path: string): Box | undefined {
    const [head, ...rest] = path.split('/');
    const next = this.child(head!);
    return next && rest.length ? next.find(rest.join('/')) : next;
  }

  markDirty(): void {
    this.dirty = true;
    // a new box is born dirty, so always walk the whole chain up
    for (let b = this.parent; b; b = b.parent) b.dirty = true;
  }

  /** Replaces the fields; the box will be re-serialised. */
  set<T>(entry: BoxEntry<T>, fields: T): void {
    this.get(entry);
    this._fields = fields;
    this.markDirty();
  }

  /** Changes fields in place; the box will be re-serialised. */
  update<T>(entry: BoxEntry<T>, change: (f: T) => void): void {
    change(this.get(entry));
    this.markDirty();
  }

  /** Inserts a child at `index` (default: the end). */
  insert(child: Box, index?: number): void {
    if (!this.isContainer) throw new TypeError(`'${this.key}' holds no child boxes`);
    this.ensureParsed();
    const list = (this._children ??= []);
    if (child.parent) child.parent.remove(child);
    child.parent = this;
    list.splice(index ?? list.length, 0, child);
    this.markDirty();
  }

  /** Inserts a child just before the first child of type `before` (or at the end). */
  insertBefore(child: Box, before: string): void {
    const i = this.children.findIndex((c) => c.type === before);
    this.insert(child, i < 0 ? undefined : i);
  }

  remove(child: Box): boolean {
    const list = this._children;
    const i = list ? list.indexOf(child) : -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    child.parent = undefined;
    this.markDirty();
    return true;
  }

  /** Removes every child of a type; returns how many went. */
  removeAll(type: string): number {
    let n = 0;
    for (const c of this.all(type)) if (this.remove(c)) n++;
    return n;
  }
}

/** Parses consecutive boxes in buf[start, end); a tail shorter than a header is not a box. */
export function parseChildren(
  buf: Buffer,
  start: number,
  end: number,
  base: number,
  parent: Box | undefined,
  ctx: ParseContext,
): Box[] {
  const out: Box[] = [];
  let pos = start;
  while (pos < end) {
    if (parent && end - pos < 8) break; // kept as the container's trailer
    const h = readBoxHeader(buf, pos, end, end, base);
    const b = Box.fromBytes(buf, pos, h, base, ctx);
    b.parent = parent;
    out.push(b);
    pos += h.size;
  }
  return out;
}

/** The top-level boxes of a whole buffer (headers only; everything else is lazy). */
export function parseBoxes(buf: Buffer, ctx: ParseContext = {}): Box[] {
  if (buf.length === 0) throw parseError('empty input', 0);
  return parseChildren(buf, 0, buf.length, 0, undefined, ctx);
}
