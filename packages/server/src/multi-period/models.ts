/**
 * Multi-period streams as the streaming core needs them: the stored definition with each Period's
 * source `StreamModel`, kept in process and revalidated against the `streams` change counter at
 * most once a second (MPS writes bump it too), like the stream models themselves.
 */
import type { MultiPeriodStream } from '@loopcast/dash';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { readChangeCounter } from '../storage/server-state.js';
import type { StreamModelCache } from '../streaming/stream-models.js';
import { getMps } from './store.js';

const REVALIDATE_MS = 1000;
const MAX_CACHED = 1000;

export class MpsModelCache {
  private version = -1;
  private checkedAt = -Infinity;
  private readonly models = new Map<string, Promise<MultiPeriodStream | null>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly streams: StreamModelCache,
  ) {}

  async get(name: string): Promise<MultiPeriodStream | null> {
    if (Date.now() - this.checkedAt >= REVALIDATE_MS) {
      const version = await readChangeCounter(this.db, 'streams');
      this.checkedAt = Date.now();
      if (version !== this.version) {
        this.version = version;
        this.models.clear();
      }
    }
    let model = this.models.get(name);
    if (!model) {
      // only existing streams stay cached: names asked for at random must not fill the map
      if (this.models.size >= MAX_CACHED) this.models.clear();
      model = this.load(name);
      this.models.set(name, model);
      model.then(
        (m) => m === null && this.models.delete(name),
        () => this.models.delete(name),
      );
    }
    return model;
  }

  private async load(name: string): Promise<MultiPeriodStream | null> {
    const stored = await getMps(this.db, name);
    if (!stored) return null;
    const def = stored.definition;
    const periods = [];
    for (const p of def.periods) {
      const stream = await this.streams.get(p.stream);
      if (!stream) return null;
      periods.push({ ...p, stream });
    }
    return { ...def, periods };
  }
}
