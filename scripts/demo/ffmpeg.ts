/** Moved to the server package, where `loopcast create-media` uses it too (app.md §11). */
export * from '../../packages/server/src/create-media/ffmpeg.js';
