/** What every manifest check receives: the model, the issue sink and element locations. */
import type { Element } from '@xmldom/xmldom';
import type { IssueSink } from '../issues.js';
import type { MpdModel } from '../mpd.js';
import type { CheckCode } from '../registry.js';
import type { IssueLocation } from '../types.js';

export interface ManifestContext {
  mpd: MpdModel;
  sink: IssueSink;
  /** Local clock corrected by the synchronised offset, ms since the epoch. */
  now: number;
  encrypted: boolean;
}

export function elementLocation(mpd: MpdModel, el: Element): IssueLocation {
  const s = mpd.xml.span(el);
  return { kind: 'manifest', url: mpd.url, line: s.line, column: s.column, endLine: s.endLine };
}

/** Raises an issue on an element, with its element path when known. */
export function report(
  ctx: ManifestContext,
  code: CheckCode,
  el: Element,
  message: string,
  path?: string,
): void {
  ctx.sink.add(code, message, elementLocation(ctx.mpd, el), path === undefined ? {} : { path });
}
