/**
 * DRM in the manifest model (drm-events.md §4): fills `contentProtection` of each encrypted
 * AdaptationSet from the selected files, and says whether the MPD must declare `cenc`.
 */
import type { AdaptationSetModel } from '../manifest/model.js';
import type { SelectedSet } from '../manifest/tracks.js';
import type { Options } from '../options/registry.js';
import type { OptionIssue } from '../options/row.js';
import type { StreamModel } from '../stream.js';
import type { Mode } from '../templates/registry.js';
import { protectionOf } from './served.js';
import { drmBlock } from './signalling.js';

export interface ManifestDrmInput {
  stream: StreamModel;
  options: Options;
  mode: Mode;
  origin: string;
}

/**
 * Sets are matched to the selection by position (each period lists the selected sets in order,
 * generated sets such as thumbnails after them). Returns the 400 issues, or whether any set got
 * a DRM block.
 */
export function signalDrm(
  periods: readonly { adaptationSets: AdaptationSetModel[] }[],
  selected: readonly SelectedSet[],
  input: ManifestDrmInput,
): { issues: OptionIssue[] } | { used: boolean; warnings: string[] } {
  if (input.options.drm.length === 0) return { used: false, warnings: [] };
  const blocks = selected.map((s) => {
    const first = s.files[0];
    if (!first) return [];
    const protection = protectionOf(input.stream, first, input.options, input.mode);
    return drmBlock({
      files: s.files,
      protection,
      stream: input.stream,
      options: input.options,
      origin: input.origin,
    });
  });
  for (const b of blocks) {
    const issue = b[0];
    if (issue && 'param' in issue) return { issues: b as OptionIssue[] };
  }
  let used = false;
  const warnings = drmWarnings(selected, input);
  for (const p of periods) {
    p.adaptationSets.forEach((set, i) => {
      const block = blocks[i];
      if (i < selected.length && block && block.length > 0 && set.contentType !== 'image') {
        set.contentProtection = block as AdaptationSetModel['contentProtection'];
        used = true;
      }
    });
  }
  return { used, warnings };
}

/**
 * Log lines the server writes once each (§4.1, §8.1): KIDs of a key set missing from the key store
 * (the manifest is still served; players fail at licence time), and a stream whose on-the-fly KID
 * has no key (its tracks are served clear).
 */
function drmWarnings(selected: readonly SelectedSet[], input: ManifestDrmInput): string[] {
  const out = new Set<string>();
  for (const s of selected) {
    for (const f of s.files) {
      for (const kid of f.index.encryption?.kids ?? []) {
        const hex = kid.replace(/-/g, '').toLowerCase();
        if (!input.stream.keys[hex]?.key)
          out.add(`KID ${hex} of ${input.stream.directory} is not in the key store`);
      }
    }
  }
  const otf = input.options.otf;
  const wantsOtf = otf === '1' || (otf === 'auto' && !input.stream.files.some((f) => f.index.encryption));
  if (wantsOtf && input.mode !== 'odvod' && !input.stream.keys[input.stream.otfKid]?.key)
    out.add(
      `the on-the-fly KID ${input.stream.otfKid} of ${input.stream.directory} has no key: served clear`,
    );
  return [...out];
}
