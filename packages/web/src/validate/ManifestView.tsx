/**
 * The manifest text with line numbers, one selector per refresh, and the lines of every manifest
 * issue highlighted (validator.md §8.1). The text is untrusted: it is rendered as text nodes only
 * (app.md §15).
 */
import { useMemo } from 'preact/hooks';
import type { ManifestDoc, ValidationIssue } from './socket.ts';

export const lineId = (refresh: number, line: number): string => `mpd-${refresh}-line-${line}`;

export function ManifestView(props: {
  manifests: ManifestDoc[];
  selected: number;
  onSelect: (refresh: number) => void;
  issues: ValidationIssue[];
}) {
  const doc = props.manifests.find((m) => m.refresh === props.selected) ?? props.manifests[0];
  const flagged = useMemo(() => {
    const lines = new Map<number, 'error' | 'warning' | 'info'>();
    const rank = { error: 3, warning: 2, info: 1 } as const;
    for (const issue of props.issues) {
      const loc = issue.location;
      if (loc.kind !== 'manifest' || issue.refresh !== doc?.refresh) continue;
      for (let n = loc.line; n <= Math.max(loc.line, loc.endLine); n++) {
        const had = lines.get(n);
        if (!had || rank[issue.severity] > rank[had]) lines.set(n, issue.severity);
      }
    }
    return lines;
  }, [props.issues, doc]);
  if (!doc) return <p class="muted">No manifest yet.</p>;
  const lines = doc.text.split(/\r?\n/);
  return (
    <section id="manifest">
      <h2>Manifest</h2>
      <label>
        Document{' '}
        <select
          id="manifest-refresh"
          value={String(doc.refresh)}
          onChange={(e) => props.onSelect(Number((e.target as HTMLSelectElement).value))}
        >
          {props.manifests.map((m) => (
            <option key={m.refresh} value={String(m.refresh)}>
              {m.refresh === 0 ? 'first fetch' : `refresh ${m.refresh}`}
              {m.publishTime ? ` (publishTime ${m.publishTime})` : ''}
            </option>
          ))}
        </select>
      </label>
      <p class="muted manifest-url">{doc.url}</p>
      <pre class="manifest-text">
        {lines.map((text, i) => {
          const n = i + 1;
          const level = flagged.get(n);
          return (
            <div key={n} id={lineId(doc.refresh, n)} class={level ? `mpd-line flagged ${level}` : 'mpd-line'}>
              <span class="line-no">{n}</span>
              <span class="line-text">{text}</span>
            </div>
          );
        })}
      </pre>
    </section>
  );
}
