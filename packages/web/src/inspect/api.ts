/** The inspection calls of the `/inspect` page (app.md §4.5). */
import { change, getJson, type BoxNode } from '../streams/api.ts';

export interface FileError {
  reason: string;
  severity: 'error' | 'warning';
  details: string;
}

export interface Inspection {
  id: string;
  fileName: string;
  size: number;
  expiresAt: string;
  fragmented: boolean;
  index: { timescale?: number; segments?: { pos: number; size: number; duration?: number }[] } | null;
  errors: FileError[];
  topLevel: BoxNode[];
}

export const inspectUrl = (url: string): Promise<Inspection> =>
  change<Inspection>('POST', '/api/inspect/url', { url });

export const deleteInspection = (id: string): Promise<void> =>
  change<void>('DELETE', `/api/inspect/${encodeURIComponent(id)}`);

/** `segment` null: the whole file; 0 the init segment; n a fragment. */
export const boxesOf = (id: string, segment: number | null): Promise<BoxNode[]> =>
  getJson<BoxNode[]>(
    segment === null
      ? `/api/inspect/${encodeURIComponent(id)}/boxes`
      : `/api/inspect/${encodeURIComponent(id)}/segments/${segment}/boxes`,
  );
