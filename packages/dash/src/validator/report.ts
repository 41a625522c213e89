/** The report's order and its text form (validator.md §3.2, §3.3). */
import type { ValidationIssue, ValidationReport } from './types.js';

const rank = (i: ValidationIssue): number => (i.location.kind === 'segment' ? 1 : 0);

/** Manifest issues by refresh and line, then segment issues by Representation order and number. */
export function sortIssues(
  issues: readonly ValidationIssue[],
  repOrder: (key: string) => number,
): ValidationIssue[] {
  const line = (i: ValidationIssue): number =>
    i.location.kind === 'manifest'
      ? i.location.line
      : i.location.kind === 'patch'
        ? (i.location.line ?? 0)
        : 0;
  return issues
    .map((issue, k) => ({ issue, k }))
    .sort((a, b) => {
      const x = a.issue;
      const y = b.issue;
      if (rank(x) !== rank(y)) return rank(x) - rank(y);
      if (x.location.kind === 'segment' && y.location.kind === 'segment') {
        const ox = repOrder(`${x.location.periodId}/${x.location.representationId}`);
        const oy = repOrder(`${y.location.periodId}/${y.location.representationId}`);
        if (ox !== oy) return ox - oy;
        if (x.location.init !== y.location.init) return x.location.init ? -1 : 1;
        const nx = x.location.number ?? x.location.time ?? 0;
        const ny = y.location.number ?? y.location.time ?? 0;
        return nx - ny || a.k - b.k;
      }
      return x.refresh - y.refresh || line(x) - line(y) || a.k - b.k;
    })
    .map((e) => e.issue);
}

function where(i: ValidationIssue): string {
  const l = i.location;
  const mpd = i.refresh > 0 ? `MPD#${i.refresh}` : 'MPD';
  switch (l.kind) {
    case 'manifest':
      return l.endLine > l.line ? `${mpd}:${l.line}-${l.endLine}` : `${mpd}:${l.line}`;
    case 'segment':
      return l.init ? `${l.representationId} init` : `${l.representationId} #${l.number ?? l.time ?? '?'}`;
    case 'patch':
      return l.line !== undefined ? `patch:${l.line}` : 'patch';
    case 'url':
      return l.url;
  }
}

export interface TextOptions {
  colour: boolean;
}

const plural = (n: number, word: string): string =>
  `${n} ${word}${n === 1 ? '' : /(s|sh|ch)$/.test(word) ? 'es' : 's'}`;

export function reportText(report: ValidationReport, opts: TextOptions = { colour: false }): string {
  const s = report.summary;
  const reps = new Set(report.codecs.map((c) => `${c.periodId}/${c.representationId}`)).size;
  const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  const mb = (s.bytes / 1e6).toFixed(1);
  const lines = [
    `loopcast validate ${report.url}`,
    `${report.type ?? 'unreadable'}, ${plural(reps, 'representation')}, ${plural(Math.max(0, s.manifests - 1), 'refresh')}${s.patches ? `, ${plural(s.patches, 'patch')}` : ''}, ${s.initSegments} init and ${s.mediaSegments} media segments, ${mb} MB in ${seconds.toFixed(1)} s${report.aborted ? ' (cancelled)' : ''}`,
  ];
  const paint = (sev: string, text: string): string => {
    if (!opts.colour) return text;
    const code = sev === 'error' ? 31 : sev === 'warning' ? 33 : 2;
    return `\u001b[${code}m${text}\u001b[0m`;
  };
  for (const i of report.issues) {
    const loc = where(i);
    const tag = `[${i.code}${i.clause ? `; ${i.clause}` : ''}]`;
    const count = i.count && i.count > 1 ? ` (×${i.count})` : '';
    lines.push(`${paint(i.severity, i.severity.padEnd(8))} ${loc.padEnd(18)} ${i.message} ${tag}${count}`);
    if (i.location.kind === 'segment') lines.push(`${' '.repeat(28)}${i.location.url}`);
  }
  const tail = [plural(s.errors, 'error'), plural(s.warnings, 'warning')];
  if (s.infos) tail.push(plural(s.infos, 'info'));
  lines.push(tail.join(', '));
  return lines.join('\n');
}
