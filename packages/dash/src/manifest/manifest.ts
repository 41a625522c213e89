/**
 * One call for the server: build the manifest model and render it with its template, through
 * the memo of documents that differ only in their clock (memo.ts; the same bytes either way).
 */
import type { ManifestRefusal, ManifestRequest } from './build.js';
import { buildManifestMemoized, type ManifestAnswer } from './memo.js';

export type { ManifestAnswer } from './memo.js';

export function buildManifest(req: ManifestRequest): ManifestAnswer | ManifestRefusal {
  return buildManifestMemoized(req);
}
