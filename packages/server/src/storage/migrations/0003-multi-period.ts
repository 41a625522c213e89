/**
 * Multi-period streams (spec drm-events.md §12.1, app.md §2.1): `mp_streams`, their ordered
 * `mp_periods` (each referencing a normal stream, ON DELETE RESTRICT so a used stream cannot be
 * deleted) and the chosen `mp_tracks`. Additive.
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes, type DialectKind } from '../dialect.js';

export function multiPeriod(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('mp_streams')
        .addColumn('id', 'integer', t.id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('options', t.json, (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('mp_periods')
        .addColumn('id', 'integer', t.id)
        .addColumn('mp_stream_id', 'integer', (c) =>
          c.notNull().references('mp_streams.id').onDelete('cascade'),
        )
        .addColumn('ordering', 'integer', (c) => c.notNull())
        .addColumn('pid', 'text', (c) => c.notNull())
        .addColumn('stream_id', 'integer', (c) => c.notNull().references('streams.id').onDelete('restrict'))
        .addColumn('start_ms', t.bigint, (c) => c.notNull())
        .addColumn('duration_ms', t.bigint, (c) => c.notNull())
        .addUniqueConstraint('mp_periods_stream_ordering', ['mp_stream_id', 'ordering'])
        .addUniqueConstraint('mp_periods_stream_pid', ['mp_stream_id', 'pid'])
        .execute();
      await db.schema.createIndex('mp_periods_source').on('mp_periods').column('stream_id').execute();
      await db.schema
        .createTable('mp_tracks')
        .addColumn('id', 'integer', t.id)
        .addColumn('period_id', 'integer', (c) => c.notNull().references('mp_periods.id').onDelete('cascade'))
        .addColumn('track_id', 'integer', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('lang', 'text')
        .addColumn('encrypted', t.boolean, (c) => c.notNull())
        .addUniqueConstraint('mp_tracks_period_track', ['period_id', 'track_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('mp_tracks').execute();
      await db.schema.dropTable('mp_periods').execute();
      await db.schema.dropTable('mp_streams').execute();
    },
  };
}
