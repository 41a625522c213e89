/**
 * The shape of one box registry entry: everything about a four-character code in one place
 * (spec README §3.1 and style.md item 6). Entries live in src/boxes/*.ts; src/registry.ts
 * collects them into the single map.
 */
import type { ByteReader, ByteWriter } from './bytes.js';

export interface ParseContext {
  /** Per-sample IV size of the track's tenc, so senc can be read (ISO/IEC 23001-7 §7.2). */
  ivSize?: number;
  /** The type of the enclosing box, for boxes whose layout depends on it. */
  parentType?: string;
}

export interface BoxEntry<T = unknown> {
  /** fourcc, or `uuid:<32 hex>` for a uuid box. */
  readonly type: string;
  readonly name: string;
  /** Spec reference, for documentation and dumps. */
  readonly ref: string;
  /** When true the payload after the fields is a sequence of child boxes. */
  readonly container?: boolean;
  /** Reads the fields from the payload (after the box header). May leave bytes unread; those
   * are kept and written back so unknown extensions survive a round trip. */
  parse(r: ByteReader, ctx: ParseContext): T;
  write(w: ByteWriter, v: T): void;
  /** Payload size in bytes of these fields (children excluded), when cheaper than writing;
   * registry.payloadSize measures through write otherwise. */
  size?(v: T): number;
  /** A JSON-friendly view for dumps and inspection pages; the fields themselves by default. */
  describe?(v: T): Record<string, unknown>;
  /** Sample fields for documentation and for the registry round-trip test when no fixture
   * file holds this box. */
  readonly example?: T;
}

export function defineBox<T>(e: BoxEntry<T>): BoxEntry<T> {
  return e;
}

/** Version and flags of a FullBox (ISO/IEC 14496-12 §4.2). */
export interface FullBoxFields {
  version: number;
  flags: number;
}

export function readVF(r: ByteReader): FullBoxFields {
  const v = r.u32();
  return { version: v >>> 24, flags: v & 0xffffff };
}

export function writeVF(w: ByteWriter, f: FullBoxFields): void {
  w.u32(((f.version & 0xff) << 24) | (f.flags & 0xffffff));
}
