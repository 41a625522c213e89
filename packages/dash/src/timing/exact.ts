/**
 * Exact integer arithmetic for the timing model (dash.md §7.12): ticks, milliseconds and
 * segment numbers are integers; products can pass 2^53, so the tick maths uses BigInt.
 */

/** floor(a / b) for b > 0, rounding towards minus infinity. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** ceil(a / b) for b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** A positive rational num/den. */
export interface Ratio {
  num: bigint;
  den: bigint;
}
