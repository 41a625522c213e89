/**
 * The manifest model of a stream for one template, mode and query at a pinned clock, as the
 * manifest route builds it (dash.md §6), for tests that look at the model or render the MPD for
 * DASH-MPD.xsd (xmllint.ts). The query must resolve without issues and the manifest must be built,
 * not refused; either failure fails the test with the reason.
 */
import assert from 'node:assert/strict';
import { buildManifestModel, type BuiltManifest } from '../../src/manifest/build.js';
import { resolveOptions } from '../../src/options/parse.js';
import type { StreamModel } from '../../src/stream.js';
import { TEMPLATES, type Mode, type TemplateName } from '../../src/templates/registry.js';

export interface ManifestCase {
  stream: StreamModel;
  template: TemplateName;
  mode: Mode;
  /** Manifest options as in the URL, e.g. `timeline=1&depth=30`. */
  query: string;
  nowMs: number;
}

/** What the builder answers for the case, a refusal included; the query must resolve cleanly. */
export function manifestResult({
  stream,
  template,
  mode,
  query,
  nowMs,
}: ManifestCase): ReturnType<typeof buildManifestModel> {
  const resolved = resolveOptions({
    query: new URLSearchParams(query),
    mode,
    kind: 'manifest',
    stream,
    template: TEMPLATES[template],
  });
  assert.deepEqual(resolved.issues, []);
  return buildManifestModel({
    stream,
    template: TEMPLATES[template],
    mode,
    resolved,
    nowMs,
    origin: 'http://localhost:5000',
  });
}

export function builtManifest(manifestCase: ManifestCase): BuiltManifest {
  const built = manifestResult(manifestCase);
  if (built.kind !== 'manifest') assert.fail(`manifest refused: ${JSON.stringify(built)}`);
  return built;
}
