// DMAP wire types and widths (daap.md §2.2). Odd type numbers are unsigned, even ones signed.

export type DmapType = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;

export const DMAP_TYPE = {
  u8: 1,
  s8: 2,
  u16: 3,
  s16: 4,
  u32: 5,
  s32: 6,
  u64: 7,
  s64: 8,
  string: 9,
  date: 10,
  version: 11,
  container: 12,
} as const satisfies Record<string, DmapType>;

/** Byte width of a type; 'n' for variable-length payloads. */
export function widthOf(t: DmapType): 1 | 2 | 4 | 8 | 'n' {
  switch (t) {
    case 1:
    case 2:
      return 1;
    case 3:
    case 4:
      return 2;
    case 5:
    case 6:
    case 10:
    case 11:
      return 4;
    case 7:
    case 8:
      return 8;
    default:
      return 'n';
  }
}

export function isIntegerType(t: DmapType): t is 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 {
  return t <= 8;
}

export function isSigned(t: DmapType): boolean {
  return t <= 8 && t % 2 === 0;
}

/** A packed DMAP version (§2.6): u16 major, u8 minor, u8 patch. */
export interface DmapVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Inclusive integer bounds of each integer type, as bigint. */
export function boundsOf(t: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8): readonly [bigint, bigint] {
  const bits = BigInt((widthOf(t) as number) * 8);
  if (isSigned(t)) return [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
  return [0n, (1n << bits) - 1n];
}
