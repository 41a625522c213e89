export * from './index/media-index.js';
export { BmffError, type BmffErrorCode } from './errors.js';
export { buildStppTrack, type TextCue, type StppTrackOptions } from './text/stpp-writer.js';
export { indexBuffer, indexFile, indexFileHandle } from './index/indexer.js';
