export * from './index/media-index.js';
export { BmffError, type BmffErrorCode } from './errors.js';
export { buildStppTrack, type TextCue, type StppTrackOptions } from './text/stpp-writer.js';
export { indexBuffer, indexFile, indexFileHandle } from './index/indexer.js';
export { rewriteSegment, type SegmentPlan } from './segment-rewrite.js';
export { rewriteInit, type InitPlan } from './init-rewrite.js';
export { corruptSegment, corruptibleCodec, type CorruptOptions, type CorruptibleCodec } from './corrupt.js';
export { buildChunks, chunkSegment, type ChunkOptions, type SegmentChunk } from './chunk.js';
export { readChunkSource, type ChunkDefaults, type ChunkSource } from './chunk-source.js';
export { boxFromBytes, dropMehd, dropSidx, insertBeforeMoof, insertIntoTraf, insertPssh } from './edit.js';
export { Box, parseBoxes } from './box.js';
export { FileSource, scanBuffer, type BoxLocation } from './reader.js';
export { readBoxHeader, type BoxHeader } from './header.js';
export { serializeBox, serializeBoxes, toBuffers, boxSize, type WriteOptions } from './writer.js';
export { fixMoofOffsets } from './moof-offsets.js';
export { BOX_ENTRIES, lookupEntry, payloadSize, registeredTypes, registryMarkdown } from './registry.js';
export { splitSegments, type BoxGroup } from './index/segments.js';
export { ByteReader, ByteWriter } from './bytes.js';
export type { BoxEntry, ParseContext, FullBoxFields } from './box-entry.js';
export { codecString } from './codec-string.js';
export { isLanguageTag, packLanguage, toIso639_2 } from './language.js';
export * from './boxes/all.js';
export { runMp4Command, type CliIo } from './cli.js';
export { dumpBox, dumpBoxes, formatDump, type DumpNode, type DumpOptions } from './dump.js';
export {
  readItunesMetadata,
  readItunesMetadataFromMoov,
  writeItunesMetadata,
  type ItunesMetadata,
  type CoverArt,
} from './itunes.js';
export * from './cenc/index.js';
