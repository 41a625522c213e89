/** The `music_tracks` columns that come from a file's tags and audio facts (spec daap.md §11.3). */
import { dbBool } from '../storage/dialect.js';
import type { TrackTags } from './read-tags.js';

export function tagColumns(tags: TrackTags) {
  return {
    format: tags.format,
    mime_type: tags.mimeType,
    codec_fourcc: tags.codecFourcc,
    duration_ms: tags.durationMs,
    bitrate_kbps: tags.bitrateKbps,
    sample_rate: tags.sampleRate,
    channels: tags.channels,
    title: tags.title,
    artist: tags.artist,
    album_artist: tags.albumArtist,
    album: tags.album,
    composer: tags.composer,
    genre: tags.genre,
    year: tags.year,
    track_number: tags.trackNumber,
    track_count: tags.trackCount,
    disc_number: tags.discNumber,
    disc_count: tags.discCount,
    compilation: dbBool(tags.compilation),
    comment: tags.comment,
    bpm: tags.bpm,
    sort_title: tags.sortTitle,
    sort_artist: tags.sortArtist,
    sort_album_artist: tags.sortAlbumArtist,
    sort_album: tags.sortAlbum,
    sort_composer: tags.sortComposer,
    tag_error: tags.tagError,
  };
}
