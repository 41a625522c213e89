/**
 * The JSON shapes of streams and media files (app.md §4.2 `Stream`, `MediaFile`) as TypeBox
 * schemas: the one definition the routes validate and document with and the web UI takes its types
 * from. It imports nothing but TypeBox, so the UI's type check reads this file alone.
 */
import { Type, type Static } from 'typebox';

export const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

export const FileErrorSchema = Type.Object({
  reason: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  details: Type.String(),
});

/** app.md §4.2 `MediaFile`. */
export const MediaFileSchema = Type.Object({
  id: Type.Integer(),
  stream: Type.String(),
  name: Type.String(),
  fileName: Type.String(),
  size: Type.Number(),
  sha256: Type.String(),
  indexState: Type.Union([Type.Literal('indexed'), Type.Literal('failed')]),
  contentType: nullable(Type.String()),
  codecs: nullable(Type.String()),
  trackId: nullable(Type.Integer()),
  language: nullable(Type.String()),
  bitrate: nullable(Type.Number()),
  maxBitrate: nullable(Type.Number()),
  encrypted: Type.Boolean(),
  defaultKid: nullable(Type.String()),
  kids: Type.Array(Type.String()),
  mimeType: nullable(Type.String()),
  timescale: nullable(Type.Integer()),
  startNumber: nullable(Type.Integer()),
  numSegments: nullable(Type.Integer()),
  segmentDurationSeconds: nullable(Type.Number()),
  durationSeconds: nullable(Type.Number()),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
  frameRate: Type.Optional(Type.String()),
  sar: Type.Optional(Type.String()),
  nalLengthSize: Type.Optional(Type.Integer()),
  textFormat: Type.Optional(Type.String()),
  textMimeType: Type.Optional(Type.String()),
  sampleRate: Type.Optional(Type.Integer()),
  channels: Type.Optional(Type.Integer()),
  errors: Type.Array(FileErrorSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/** app.md §4.2 `Stream`. */
export const StreamSchema = Type.Object({
  directory: Type.String(),
  title: Type.String(),
  marlinLaUrl: nullable(Type.String()),
  playreadyLaUrl: nullable(Type.String()),
  timingReference: nullable(Type.Object({ fileId: Type.Integer(), name: Type.String() })),
  otfKid: Type.String(),
  defaults: Type.Record(Type.String(), Type.Unknown()),
  durationSeconds: nullable(Type.Number()),
  fileCount: Type.Integer(),
  files: Type.Optional(Type.Array(MediaFileSchema)),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Stream = Static<typeof StreamSchema>;

/** app.md §4.2 `MediaFile`, as the API answers it. */
export type ApiMediaFile = Static<typeof MediaFileSchema>;
