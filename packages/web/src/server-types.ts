/**
 * Types of the server's JSON API that the UI reads, taken from the server's TypeBox schemas (the one
 * definition, style.md §13), so a field renamed on the server fails the UI's type check instead of
 * drifting. Type-only: nothing here reaches the bundle.
 *
 * Importing a type makes `tsc -p packages/web` check the server modules behind it, and those use
 * the server's Fastify augmentations (route `summary` from @fastify/swagger, `request.auth` from
 * the auth plugin), which the server declares in modules the UI never imports; they are named here.
 */
import type {} from '@fastify/swagger';
import type {} from '../../server/src/plugins/auth.ts';
import type { ApiMediaFile } from '../../server/src/media/media-files.ts';

/** app.md §4.2 `MediaFile`, as GET /api/streams/{directory}/files answers it. */
export type MediaFile = ApiMediaFile;
