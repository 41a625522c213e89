// @loopcast/daap: a DAAP (iTunes music sharing) server library. See daap.md.

export { CONTENT_CODES, type ContentCode, type Quirk, type ItemFieldName } from './dmap/content-codes.js';
export { codeInfo, codeByName, listedCodes, ITEM_FIELD_CODES } from './dmap/registry.js';
export { widthOf, DMAP_TYPE, type DmapType, type DmapVersion } from './dmap/types.js';
export { packVersion, unpackVersion, parseVersion, formatVersion } from './dmap/version.js';
export {
  encodeFields,
  element,
  container,
  wrapRaw,
  stringItem,
  concat,
  byteLength,
  DmapEncodeError,
  type Encoded,
  type Field,
  type DmapScalar,
} from './dmap/encode.js';
export {
  decode,
  decodeAll,
  child,
  children,
  toPlain,
  DmapDecodeError,
  type DmapNode,
  type DmapValue,
  type DecodeOptions,
} from './dmap/decode.js';
export { prettyPrint } from './dmap/pretty.js';

export { Share, type ShareOptions, type DatabaseRecord } from './model/share.js';
export { Database } from './model/database.js';
export { ContainerCollection, type Container, type ContainerFields } from './model/containers.js';
export { type EntryList, type Entry } from './model/entries.js';
export { ItemCollection, SourceLoadError, type LazySource } from './model/items.js';
export { RevisionStore, type Diff, type Snapshot } from './model/revisions.js';
export {
  type Item,
  type Id,
  type PersistentId,
  type ExtraValue,
  hash63,
  albumIdOf,
  artistIdOf,
  persistentIdOf,
  MAX_ID,
  MAX_PERSISTENT_ID,
} from './model/item.js';

export type {
  MediaProvider,
  MediaSource,
  MediaContext,
  ImageSource,
  ArtworkScaler,
  SessionInfo,
  TranscodeTarget,
} from './media/types.js';
export { MediaBusyError } from './media/types.js';
export {
  APPLE_CODECS,
  clientCodecs,
  normaliseCodec,
  playable,
  targetItem,
  type CodecClass,
} from './media/codecs.js';
export { FileMedia, MemoryMedia, type FileMediaOptions } from './media/file-media.js';
export { audioMimeOf, imageMimeOf } from './media/mime.js';

export { createDaapHandler, VERSION, type DaapRequestHandler } from './http/handler.js';
export type { DaapHandlerOptions, Logger, RequestEvent } from './http/context.js';
export { ManualTimers, realTimers, type Timers } from './http/clock.js';
export type { SessionEvent } from './http/sessions.js';
export { parseQuery, compileQuery, QuerySyntaxError, type QueryNode } from './http/query.js';
export { resolveRange, type RangeResult } from './http/range.js';
export { credentialsMatch } from './http/auth.js';
export { DaapServer, type DaapServerOptions } from './server.js';
export { CiaoAdvertiser } from './mdns/advertise.js';
export { daapTxt, type Advert, type Advertiser } from './mdns/txt.js';
export { DaapClient, type DaapReply } from './client/client.js';
