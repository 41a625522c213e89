/**
 * The streams, media files and music-upload part of the JSON API (spec app.md §4.4; daap.md
 * §11.5): one registration for the three route groups of the API scope.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { registerMediaRoutes } from './api/media.js';
import { registerMusicUploadRoutes } from './api/music-upload.js';
import { registerStreamRoutes } from './api/streams.js';

export function registerStreamApi(api: FastifyInstance, ctx: AppContext): void {
  registerStreamRoutes(api, ctx);
  registerMediaRoutes(api, ctx);
  registerMusicUploadRoutes(api, ctx);
}
