/**
 * Types of the server's JSON API that the UI reads, taken from the server's TypeBox schemas (the one
 * definition, style.md §13), so a field renamed on the server fails the UI's type check instead of
 * drifting. Type-only: nothing here reaches the bundle. The schema file imports only TypeBox, so
 * the UI's type check reads no server code beyond it.
 */
import type { ApiMediaFile, Stream as ApiStream } from '../../server/src/routes/api/stream-schemas.ts';

/** app.md §4.2 `MediaFile`, as GET /api/streams/{directory}/files answers it. */
export type MediaFile = ApiMediaFile;

/** app.md §4.2 `Stream`, as GET /api/streams answers it. */
export type Stream = ApiStream;
