/** The initial schema (spec app.md §2.1). Migrations are additive so a rolling upgrade works (§13.4). */
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes, type DialectKind } from '../dialect.js';

export function initialSchema(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'integer', t.id)
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('username_lower', 'text', (c) => c.notNull().unique())
        .addColumn('email', 'text', (c) => c.unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('groups', 'integer', (c) => c.notNull())
        .addColumn('must_change', t.boolean, (c) => c.notNull())
        .addColumn('session_epoch', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_login_at', t.timestamp)
        .addColumn('password_changed_at', t.timestamp)
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'integer', t.id)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('last_used_at', t.timestamp)
        .addColumn('revoked_at', t.timestamp)
        .execute();

      await db.schema
        .createTable('login_failures')
        .addColumn('id', 'integer', t.id)
        .addColumn('username_lower', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failures_at').on('login_failures').column('at').execute();

      await db.schema
        .createTable('blobs')
        .addColumn('id', 'integer', t.id)
        .addColumn('store_key', 'text', (c) => c.notNull().unique())
        .addColumn('size', t.bigint, (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      // streams.timing_ref_file_id references media_files, which references streams: the column is
      // added after media_files exists.
      await db.schema
        .createTable('streams')
        .addColumn('id', 'integer', t.id)
        .addColumn('directory', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('marlin_la_url', 'text')
        .addColumn('playready_la_url', 'text')
        .addColumn('defaults', t.json, (c) => c.notNull())
        .addColumn('otf_kid', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('media_files')
        .addColumn('id', 'integer', t.id)
        .addColumn('stream_id', 'integer', (c) => c.notNull().references('streams.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('blob_id', 'integer', (c) => c.notNull().unique().references('blobs.id'))
        .addColumn('content_type', 'text')
        .addColumn('codec_fourcc', 'text')
        .addColumn('codecs', 'text')
        .addColumn('track_id', 'integer')
        .addColumn('language', 'text')
        .addColumn('bitrate', 'integer')
        .addColumn('encrypted', t.boolean, (c) => c.notNull())
        .addColumn('index_version', 'integer')
        .addColumn('index', t.json)
        .addColumn('indexed_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('media_files_stream_name', ['stream_id', 'name'])
        .execute();
      await db.schema
        .createIndex('media_files_stream_bitrate')
        .on('media_files')
        .columns(['stream_id', 'bitrate'])
        .execute();
      await db.schema
        .createIndex('media_files_content_type')
        .on('media_files')
        .column('content_type')
        .execute();
      await db.schema.createIndex('media_files_track_id').on('media_files').column('track_id').execute();
      await db.schema.createIndex('media_files_encrypted').on('media_files').column('encrypted').execute();

      await db.schema
        .alterTable('streams')
        .addColumn('timing_ref_file_id', 'integer', (c) =>
          c.references('media_files.id').onDelete('set null'),
        )
        .execute();

      await db.schema
        .createTable('media_file_errors')
        .addColumn('id', 'integer', t.id)
        .addColumn('media_file_id', 'integer', (c) =>
          c.notNull().references('media_files.id').onDelete('cascade'),
        )
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('media_file_errors_file_reason', ['media_file_id', 'reason'])
        .execute();

      await db.schema
        .createTable('keys')
        .addColumn('id', 'integer', t.id)
        .addColumn('kid', 'text', (c) => c.notNull().unique())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('computed', t.boolean, (c) => c.notNull())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('media_file_keys')
        .addColumn('media_file_id', 'integer', (c) =>
          c.notNull().references('media_files.id').onDelete('cascade'),
        )
        .addColumn('key_id', 'integer', (c) => c.notNull().references('keys.id').onDelete('restrict'))
        .addPrimaryKeyConstraint('media_file_keys_pk', ['media_file_id', 'key_id'])
        .execute();

      await db.schema
        .createTable('inspections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('blob_id', 'integer', (c) => c.notNull().references('blobs.id'))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('size', t.bigint, (c) => c.notNull())
        .addColumn('index', t.json)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .execute();

      let music = db.schema
        .createTable('music_tracks')
        .addColumn('id', 'integer', t.id)
        .addColumn('persistent_id', 'text', (c) => c.notNull().unique())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('blob_id', 'integer', (c) => c.references('blobs.id'))
        .addColumn('folder_path', 'text', (c) => c.unique())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('codec_fourcc', 'text', (c) => c.notNull())
        .addColumn('size', t.bigint, (c) => c.notNull())
        .addColumn('file_mtime', t.timestamp)
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('compilation', t.boolean, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull());
      for (const name of [
        'duration_ms',
        'bitrate_kbps',
        'sample_rate',
        'channels',
        'year',
        'track_number',
        'track_count',
        'disc_number',
        'disc_count',
        'bpm',
        'artwork_width',
        'artwork_height',
      ]) {
        music = music.addColumn(name, 'integer');
      }
      for (const name of [
        'artist',
        'album_artist',
        'album',
        'composer',
        'genre',
        'comment',
        'sort_title',
        'sort_artist',
        'sort_album_artist',
        'sort_album',
        'sort_composer',
        'artwork_sha256',
        'artwork_mime',
        'tag_error',
      ]) {
        music = music.addColumn(name, 'text');
      }
      await music.execute();

      await db.schema
        .createTable('change_counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', t.bigint, (c) => c.notNull())
        .execute();
      await sql`insert into change_counters (name, value) values ('streams', 0), ('music', 0)`.execute(db);

      await db.schema
        .createTable('server_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'server_state',
        'change_counters',
        'music_tracks',
        'inspections',
        'media_file_keys',
        'keys',
        'media_file_errors',
      ]) {
        await db.schema.dropTable(table).execute();
      }
      await db.schema.alterTable('streams').dropColumn('timing_ref_file_id').execute();
      for (const table of ['media_files', 'streams', 'blobs', 'login_failures', 'api_tokens', 'users']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
