/**
 * The one error type that bmff lets escape for bad input. Fuzzing (spec testing.md §10) treats
 * any other exception leaving the reader, writer or indexer as a bug.
 */
export type BmffErrorCode =
  | 'parse' // malformed box structure or field
  | 'unreadable' // the file could not be read
  | 'not-fragmented' // no moof in the file
  | 'few-fragments' // fewer than two media segments
  | 'bad-language' // elng / mdhd language that is not a valid tag
  | 'several-tracks' // the indexer handles one track per file
  | 'unsupported'; // a structure the rewrite cannot handle

export class BmffError extends Error {
  override readonly name = 'BmffError';
  constructor(
    readonly code: BmffErrorCode,
    message: string,
    /** Byte offset in the input where the problem was seen, when known. */
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}

export function parseError(message: string, offset?: number): BmffError {
  return new BmffError('parse', message, offset);
}
