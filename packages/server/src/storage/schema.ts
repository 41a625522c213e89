/**
 * Table types for Kysely (spec app.md §2.1). Values are what the storage layer reads after the
 * dialect differences are hidden: booleans may arrive as 0/1 from SQLite and JSON columns as text,
 * so rows pass through `rows.ts` helpers before leaving the storage layer.
 */
import type { ColumnType, Generated } from 'kysely';

/** ISO-8601 UTC text in SQLite, timestamptz in PostgreSQL (read back as ISO text). */
export type Timestamp = ColumnType<string, string, string>;
/**
 * SQLite has no boolean and returns 0/1; PostgreSQL returns true/false. Both accept 0/1 on write
 * (PostgreSQL parses '1' and '0' as boolean input), so writes always use `dbBool`.
 */
export type Bool = ColumnType<boolean | number, 0 | 1, 0 | 1>;
/** TEXT in SQLite, jsonb in PostgreSQL: always written as a JSON string. */
export type Json = ColumnType<unknown, string, string>;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  username_lower: string;
  email: string | null;
  password_hash: string;
  groups: number;
  must_change: Bool;
  session_epoch: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login_at: Timestamp | null;
  password_changed_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  kind: 'access' | 'upload';
  token_hash: string;
  prefix: string;
  description: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  username_lower: string;
  ip: string;
  at: Timestamp;
}

/** Logged-out cookies (app.md §3.4), checked with the user's session epoch. */
export interface RevokedSessionsTable {
  sid: string;
  expires_at: Timestamp;
}

export interface StreamsTable {
  id: Generated<number>;
  directory: string;
  title: string;
  marlin_la_url: string | null;
  playready_la_url: string | null;
  timing_ref_file_id: number | null;
  defaults: Json;
  otf_kid: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type BlobState = 'pending' | 'committed' | 'deleting';

export interface BlobsTable {
  id: Generated<number>;
  store_key: string;
  size: number;
  sha256: string;
  content_type: string;
  state: BlobState;
  created_at: Timestamp;
}

export interface MediaFilesTable {
  id: Generated<number>;
  stream_id: number;
  name: string;
  file_name: string;
  blob_id: number;
  content_type: 'video' | 'audio' | 'text' | null;
  codec_fourcc: string | null;
  codecs: string | null;
  track_id: number | null;
  language: string | null;
  bitrate: number | null;
  encrypted: Bool;
  index_version: number | null;
  index: Json | null;
  indexed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MediaFileErrorsTable {
  id: Generated<number>;
  media_file_id: number;
  reason: string;
  severity: 'error' | 'warning';
  details: string;
  created_at: Timestamp;
}

export interface KeysTable {
  id: Generated<number>;
  kid: string;
  key: string;
  computed: Bool;
  alg: 'AESCTR' | 'AESCBC';
  origin: 'manual' | 'indexed' | 'upload' | 'stream';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MediaFileKeysTable {
  media_file_id: number;
  key_id: number;
}

export interface InspectionsTable {
  id: string;
  user_id: number;
  blob_id: number;
  file_name: string;
  size: number;
  index: Json | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface MusicTracksTable {
  id: Generated<number>;
  persistent_id: string;
  source: 'demo' | 'upload' | 'folder';
  blob_id: number | null;
  folder_path: string | null;
  file_name: string;
  format: 'mp3' | 'm4a' | 'flac' | 'ogg' | 'wav';
  mime_type: string;
  codec_fourcc: string;
  size: number;
  file_mtime: Timestamp | null;
  sha256: string;
  duration_ms: number | null;
  bitrate_kbps: number | null;
  sample_rate: number | null;
  channels: number | null;
  title: string;
  artist: string | null;
  album_artist: string | null;
  album: string | null;
  composer: string | null;
  genre: string | null;
  year: number | null;
  track_number: number | null;
  track_count: number | null;
  disc_number: number | null;
  disc_count: number | null;
  compilation: Bool;
  comment: string | null;
  bpm: number | null;
  sort_title: string | null;
  sort_artist: string | null;
  sort_album_artist: string | null;
  sort_album: string | null;
  sort_composer: string | null;
  artwork_sha256: string | null;
  artwork_mime: string | null;
  artwork_width: number | null;
  artwork_height: number | null;
  tag_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChangeCountersTable {
  name: string;
  value: number;
}

export interface ServerStateTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

/** Multi-period streams (drm-events.md §12.1). */
export interface MpStreamsTable {
  id: Generated<number>;
  name: string;
  title: string;
  options: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MpPeriodsTable {
  id: Generated<number>;
  mp_stream_id: number;
  ordering: number;
  pid: string;
  stream_id: number;
  /** 64-bit: PostgreSQL's driver returns strings. */
  start_ms: ColumnType<number | string, number, number>;
  duration_ms: ColumnType<number | string, number, number>;
}

export interface MpTracksTable {
  id: Generated<number>;
  period_id: number;
  track_id: number;
  role: string;
  lang: string | null;
  encrypted: Bool;
}

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  revoked_sessions: RevokedSessionsTable;
  streams: StreamsTable;
  blobs: BlobsTable;
  media_files: MediaFilesTable;
  media_file_errors: MediaFileErrorsTable;
  keys: KeysTable;
  media_file_keys: MediaFileKeysTable;
  inspections: InspectionsTable;
  music_tracks: MusicTracksTable;
  change_counters: ChangeCountersTable;
  server_state: ServerStateTable;
  mp_streams: MpStreamsTable;
  mp_periods: MpPeriodsTable;
  mp_tracks: MpTracksTable;
}
