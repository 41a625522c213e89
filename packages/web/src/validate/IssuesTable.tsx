/**
 * The issues table (validator.md §8.1): severity, code, location, message and clause; sortable by
 * column, filterable by severity; a manifest row scrolls the manifest to its lines, a segment row
 * shows its URL. All values are untrusted text (app.md §15).
 */
import { useState } from 'preact/hooks';
import type { ValidationIssue } from './socket.ts';

/** How often the run saw this issue (§3.1 reports each once, with a count). */
const repeats = (issue: ValidationIssue): number =>
  (issue as ValidationIssue & { count?: number }).count ?? 1;

type Column = 'severity' | 'code' | 'location' | 'message' | 'clause';
const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

export function locationText(issue: ValidationIssue): string {
  const loc = issue.location;
  const mpd = issue.refresh === 0 ? 'MPD' : `MPD#${issue.refresh}`;
  switch (loc.kind) {
    case 'manifest':
      return loc.endLine > loc.line ? `${mpd}:${loc.line}-${loc.endLine}` : `${mpd}:${loc.line}`;
    case 'segment':
      return loc.init ? `${loc.representationId} init` : `${loc.representationId} #${loc.number ?? '?'}`;
    case 'patch':
      return loc.line !== undefined ? `patch:${loc.line}` : 'patch';
    case 'url':
      return loc.url;
  }
}

function compare(a: ValidationIssue, b: ValidationIssue, column: Column): number {
  switch (column) {
    case 'severity':
      return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
    case 'location':
      return locationText(a).localeCompare(locationText(b), undefined, { numeric: true });
    default:
      return (a[column] ?? '').localeCompare(b[column] ?? '');
  }
}

/** A URL is a link only when it parses as http(s) (app.md §15). */
function UrlText({ url }: { url: string }) {
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(url).protocol);
  } catch {
    ok = false;
  }
  return ok ? (
    <a href={url} rel="noreferrer noopener" target="_blank">
      {url}
    </a>
  ) : (
    <span>{url}</span>
  );
}

export function IssuesTable(props: {
  issues: ValidationIssue[];
  onShowManifest: (issue: ValidationIssue) => void;
}) {
  const [sort, setSort] = useState<{ column: Column; up: boolean }>({ column: 'severity', up: true });
  const [show, setShow] = useState({ error: true, warning: true, info: true });
  const rows = props.issues
    .map((issue, i) => ({ issue, i }))
    .filter(({ issue }) => show[issue.severity])
    .sort((a, b) => (compare(a.issue, b.issue, sort.column) || a.i - b.i) * (sort.up ? 1 : -1));
  const header = (column: Column, label: string) => (
    <th
      scope="col"
      class="sortable"
      aria-sort={sort.column === column ? (sort.up ? 'ascending' : 'descending') : 'none'}
      onClick={() => setSort({ column, up: sort.column === column ? !sort.up : true })}
    >
      {label}
      {sort.column === column ? (sort.up ? ' ▲' : ' ▼') : ''}
    </th>
  );
  return (
    <section id="issues">
      <h2>Issues ({props.issues.length})</h2>
      <fieldset class="severity-filter">
        {(['error', 'warning', 'info'] as const).map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              name={`show-${s}`}
              checked={show[s]}
              onChange={() => setShow({ ...show, [s]: !show[s] })}
            />
            {s === 'error' ? 'errors' : s === 'warning' ? 'warnings' : 'infos'}
          </label>
        ))}
      </fieldset>
      <table class="issues striped">
        <thead>
          <tr>
            {header('severity', 'Severity')}
            {header('code', 'Code')}
            {header('location', 'Location')}
            {header('message', 'Message')}
            {header('clause', 'Clause')}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ issue, i }) => (
            <tr key={i} class={`issue ${issue.severity}`}>
              <td class="severity">{issue.severity}</td>
              <td>
                <code>{issue.code}</code>
              </td>
              <td>
                {issue.location.kind === 'manifest' ? (
                  <a
                    href="#manifest"
                    onClick={(e) => {
                      e.preventDefault();
                      props.onShowManifest(issue);
                    }}
                  >
                    {locationText(issue)}
                  </a>
                ) : (
                  locationText(issue)
                )}
              </td>
              <td>
                {issue.message}
                {repeats(issue) > 1 ? ` (×${repeats(issue)})` : ''}
                {issue.location.kind === 'segment' && (
                  <div class="segment-url">
                    <UrlText url={issue.location.url} />
                  </div>
                )}
              </td>
              <td>{issue.clause ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
