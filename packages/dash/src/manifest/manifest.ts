/** One call for the server: build the manifest model and render it with its template. */
import {
  buildManifestModel,
  type BuiltManifest,
  type ManifestRefusal,
  type ManifestRequest,
} from './build.js';
import { renderManifest } from './render.js';

export interface ManifestAnswer extends BuiltManifest {
  xml: string;
  contentType: 'application/dash+xml';
}

export function buildManifest(req: ManifestRequest): ManifestAnswer | ManifestRefusal {
  const built = buildManifestModel(req);
  if (built.kind !== 'manifest') return built;
  return { ...built, xml: renderManifest(built.model), contentType: 'application/dash+xml' };
}
