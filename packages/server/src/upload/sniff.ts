/**
 * The first look at an upload (spec app.md §5.2): the first 8 bytes must form a plausible box
 * header — size ≥ 8 (or 0/1 for "to the end" and 64-bit sizes) and a printable type — before a
 * blob row or object is created. The bytes read to decide are handed on unchanged.
 */
import { Readable } from 'node:stream';

export class NotBmffError extends Error {
  constructor(readonly what: string) {
    super(`the file does not start with an ISO-BMFF box header (${what})`);
  }
}

const printable = (b: number): boolean => b >= 0x20 && b <= 0x7e;

export function boxHeaderProblem(head: Buffer): string | null {
  if (head.length < 8) return `only ${head.length} bytes`;
  const size = head.readUInt32BE(0);
  if (size !== 0 && size !== 1 && size < 8) return `box size ${size}`;
  if (![4, 5, 6, 7].every((i) => printable(head[i]!))) return 'unprintable box type';
  return null;
}

/**
 * Reads until 8 bytes are seen; throws NotBmffError (leaving the rest unread) when they are not a
 * box header, else returns a stream of every byte from the start.
 */
export async function sniffBmff(source: AsyncIterable<Buffer>): Promise<Readable> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let got = 0;
  while (got < 8) {
    const next = await it.next();
    if (next.done) break;
    head.push(next.value);
    got += next.value.length;
  }
  const first = Buffer.concat(head);
  const problem = boxHeaderProblem(first);
  if (problem) {
    await it.return?.();
    throw new NotBmffError(problem);
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield first;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return Readable.from(all(), { objectMode: false });
}
