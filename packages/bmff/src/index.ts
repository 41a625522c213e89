export * from './index/media-index.js';
