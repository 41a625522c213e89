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
  /**
   * What the client plays (§9.4), from Accept-Codecs or its User-Agent: normalised FourCCs
   * (`wav`, not `wav `). Undefined: a client that plays anything.
   */
  readonly codecs?: ReadonlySet<string>;
  /** The format this client's listings show for the item, when they show a transcode (§9.4). */
  readonly target?: TranscodeTarget;
  /** Aborted when the client goes away (a provider waiting for a transcoder slot gives up). */
  readonly signal?: AbortSignal;
}

/**
 * What a transcoding client lists instead of the stored format (§9.4): `asfm`, `ascd`, `asdt`,
 * `asbr` and an estimated `assz`, and the Content-Type of the stream.
 */
export interface TranscodeTarget {
  /** asfm, e.g. "wav" */
  readonly format: string;
  /** ascd FourCC, e.g. "wav " (padded to four characters, as stored items carry it) */
  readonly codec: string;
  /** asdt, e.g. "WAV audio file" */
  readonly description: string;
  /** Content-Type of the transcoded stream, e.g. "audio/wav" */
  readonly mime: string;
  /** asbr, kbit/s */
  readonly bitrate?: number;
  /** assz: the estimated size in bytes; undefined = no assz */
  readonly size?: number;
}

export interface MediaSource {
  /** audio/mpeg, audio/mp4, … */
  readonly mime: string;
  /** total bytes; undefined = unknown */
  readonly size?: number;
  /** false: the library reads from 0 and discards */
  readonly seekable: boolean;
  open(start: number, endInclusive?: number): NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  /**
   * Called once when the library is done with the source: after the body ended, failed or the
   * client went away, or without open() at all (HEAD). A transcoder frees its slot here.
   */
  close?(): void;
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
  /**
   * §9.4: asked only when the client cannot play the item's `ascd` (`ctx.codecs`). Returns the
   * transcoded stream, or undefined to send the stored bytes. A transcoded source is streamed
   * without Content-Length, and a Range is answered with 200 from the start. Throw
   * `MediaBusyError` for 503.
   */
  transcode?(ctx: MediaContext, src: MediaSource): Promise<MediaSource | undefined>;
  /**
   * §9.4: the format an item is transcoded to for a client that plays only `codecs`, or undefined
   * when it would be sent as stored. Synchronous and cheap: listings call it (once per record and
   * codec class). A target whose codec the client cannot play is ignored.
   */
  transcodeTarget?(item: Item, codecs: ReadonlySet<string>): TranscodeTarget | undefined;
}

/** Thrown by a provider with no capacity left (a transcoder's slots are taken): 503. */
export class MediaBusyError extends Error {
  constructor(
    message = 'media busy',
    /** the Retry-After value, in seconds */
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
    this.name = 'MediaBusyError';
  }
}

/** Injected image scaler (loopcast uses sharp); the library never depends on one. */
export interface ArtworkScaler {
  scale(img: ImageSource, maxWidth?: number, maxHeight?: number): Promise<ImageSource>;
}
