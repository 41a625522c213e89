/** What the application's plugins and routes share: settings, storage, blobs and run state. */
import type { BlobStore } from './blobs/blob-store.js';
import type { Settings } from './config/settings.js';
import type { Metrics } from './metrics/metrics.js';
import type { MusicShare } from './music/music-share.js';
import type { Secrets } from './secrets.js';
import type { OpenDatabase } from './storage/database.js';
import type { ValidateFn } from './validate/run-socket.js';

export interface RunState {
  started: boolean;
  shuttingDown: boolean;
}

export interface AppContext {
  settings: Settings;
  database: OpenDatabase;
  blobs: BlobStore;
  state: RunState;
  /** Session and CSRF secrets (app.md §12.3). */
  secrets: Secrets;
  version: string;
  /** Prometheus metrics of this node (app.md §14.3). */
  metrics: Metrics;
  /** The running DAAP share, once it has started; null or absent when DAAP is off (daap.md §11.5). */
  music?: MusicShare | null;
  /** Replaces the validator's checks for a run of the web validator (tests; validator.md §8.2). */
  validate?: ValidateFn;
}
