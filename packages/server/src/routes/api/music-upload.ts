/**
 * Uploaded audio in the music library (spec daap.md §11.1, §11.4, §11.5): filled in below.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';

export function registerMusicUploadRoutes(_api: FastifyInstance, _ctx: AppContext): void {}
