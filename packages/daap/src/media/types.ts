// What an embedder provides for bytes (daap.md §5.4). The library handles Range, HEAD, status
// codes and session state; a provider only opens bytes.

import type { Database } from '../model/database.js';
import type { Item } from '../model/item.js';

export interface SessionInfo {
  readonly id: number;
  readonly userAgent?: string;
  readonly address: string;
  readonly clientVersion?: string;
  readonly state: 'connecting' | 'connected' | 'streaming';
  readonly since: Date;
  readonly lastSeen: Date;
  readonly heldRevision: number;
  readonly requests: number;
  readonly itemsStreamed: number;
  readonly itemsUnique: number;
  readonly artworks: number;
  readonly bytesStreamed: number;
}

export interface MediaContext {
  /** undefined when the request carried no live session (allowed on media routes, §6.4) */
  readonly session: SessionInfo | undefined;
  readonly database: Database;
  readonly item: Item;
  /** for Accept-Codecs / User-Agent */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface MediaSource {
  /** audio/mpeg, audio/mp4, … */
  readonly mime: string;
  /** total bytes; undefined = unknown */
  readonly size?: number;
  /** false: the library reads from 0 and discards */
  readonly seekable: boolean;
  open(start: number, endInclusive?: number): NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
}

export interface ImageSource {
  readonly mime: 'image/jpeg' | 'image/png';
  bytes(): Promise<Uint8Array>;
}

export interface MediaProvider {
  /** undefined → 404 */
  item(ctx: MediaContext): Promise<MediaSource | undefined>;
  /** undefined → 204 */
  artwork?(ctx: MediaContext): Promise<ImageSource | undefined>;
  /** §9.4 */
  transcode?(ctx: MediaContext, src: MediaSource): Promise<MediaSource | undefined>;
}

/** Injected image scaler (loopcast uses sharp); the library never depends on one. */
export interface ArtworkScaler {
  scale(img: ImageSource, maxWidth?: number, maxHeight?: number): Promise<ImageSource>;
}
