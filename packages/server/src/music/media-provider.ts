/** The share's media provider and artwork scaler (spec daap.md §5.4, §6.20). */
import { FileMedia, type ArtworkScaler, type ImageSource, type MediaProvider } from '@loopcast/daap';
import type { BlobStore } from '../blobs/blob-store.js';
import { readTrackTags } from './read-tags.js';
import type { TrackSource } from './track-item.js';

/**
 * Audio bytes and artwork for the share's items (spec daap.md §5.4): stored tracks from the blob
 * store, watched-folder tracks from their files (artwork read from their tags when asked).
 */
export function libraryMedia(blobs: BlobStore | null): MediaProvider {
  const files = new FileMedia();
  return {
    item(ctx) {
      const source = ctx.item.source as TrackSource | undefined;
      if (source?.folderPath) return files.item({ ...ctx, item: { ...ctx.item, source: source.folderPath } });
      if (!source?.blobKey || !blobs) return Promise.resolve(undefined);
      const size = ctx.item.size;
      return Promise.resolve({
        mime: ctx.item.mime ?? 'application/octet-stream',
        ...(size !== undefined ? { size } : {}),
        seekable: true,
        open: (start: number, endInclusive?: number) =>
          (async function* () {
            const end = endInclusive ?? (size ?? 0) - 1;
            const stream = await blobs.read(source.blobKey, { start, length: Math.max(0, end - start + 1) });
            for await (const chunk of stream) yield chunk as Uint8Array;
          })(),
      });
    },
    async artwork(ctx) {
      const source = ctx.item.source as TrackSource | undefined;
      if (source?.folderPath) {
        // Folder artwork stays inside the file (nothing is written into the folder).
        const art = (await readTrackTags(source.folderPath)).artwork;
        if (!art || (art.mime !== 'image/jpeg' && art.mime !== 'image/png')) return undefined;
        const mime: 'image/jpeg' | 'image/png' = art.mime;
        return { mime, bytes: () => Promise.resolve(art.data) };
      }
      if (!source?.artworkKey || !source.artworkMime || !blobs) return undefined;
      const { artworkKey, artworkMime } = source;
      return {
        mime: artworkMime,
        bytes: async () => {
          const info = await blobs.stat(artworkKey);
          return blobs.readBytes(artworkKey, 0, info?.size ?? 0);
        },
      } satisfies ImageSource;
    },
  };
}

/** Scales cover art to the client's mw/mh with sharp, loaded only when a client asks. */
export const sharpScaler: ArtworkScaler = {
  async scale(image, maxWidth, maxHeight) {
    if (!maxWidth && !maxHeight) return image;
    const { default: sharp } = await import('sharp');
    const scaled = await sharp(Buffer.from(await image.bytes()))
      .resize({ width: maxWidth, height: maxHeight, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85 })
      .toBuffer();
    return { mime: 'image/jpeg', bytes: () => Promise.resolve(scaled) };
  },
};
