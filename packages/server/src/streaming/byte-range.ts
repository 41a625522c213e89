/**
 * One `Range: bytes=…` over the bytes loopcast sends (spec dash.md §3.9, RFC 9110 §14): `a-b`,
 * `a-` and `-s`. Anything loopcast cannot honour — several ranges, another unit, a malformed value,
 * an If-Range — is ignored and the whole body is sent.
 */

export type RangeAnswer =
  { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

export function parseRange(header: string | undefined, length: number, ifRange?: string): RangeAnswer {
  if (!header || ifRange !== undefined) return { kind: 'whole' };
  const match = SINGLE.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(first);
  const end = last === '' ? length - 1 : Number(last);
  if (start >= length) return { kind: 'unsatisfiable' };
  if (end < start) return { kind: 'whole' };
  return { kind: 'partial', start, end: Math.min(end, length - 1) };
}

/** Views of `buffers` covering bytes start…end (inclusive), without copying. */
export function sliceBuffers(buffers: readonly Buffer[], start: number, end: number): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  for (const buffer of buffers) {
    const from = Math.max(start - offset, 0);
    const to = Math.min(end + 1 - offset, buffer.length);
    if (from < to) out.push(buffer.subarray(from, to));
    offset += buffer.length;
    if (offset > end) break;
  }
  return out;
}
