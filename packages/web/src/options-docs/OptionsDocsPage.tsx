/**
 * `/options` (app.md §9.2): the options documentation, generated from the option registry — the
 * same rows `/api/cgiOptions` serves, imported at build time — grouped as the builder groups them
 * (§9.3), one table per group, with an anchor per option (`/options#drm`) that the builder's help
 * links point at. Nothing here is written by hand per option.
 */
import { useEffect } from 'preact/hooks';
import { OPTIONS } from 'virtual:loopcast-registry';
import { TEMPLATES, optionGroups, templateSupport, type CgiOption, type OptionGroup } from '../registry.ts';
import { Page, PageTitle, useReadyMarker } from '../shell.tsx';
import './options-docs.css';

/** The builder leaves `player` out of its form (its buttons choose it); the docs list it too. */
function docGroups(): OptionGroup[] {
  const groups = optionGroups(OPTIONS.filter((o) => o.param !== 'player' && o.param !== 'mode'));
  const extra = OPTIONS.filter((o) => o.param === 'mode' || o.param === 'player');
  for (const o of extra) {
    const id = o.param === 'player' ? 'player' : 'general';
    const group = groups.find((g) => g.id === id);
    if (group) group.options.unshift(o);
    else groups.push({ id, title: id === 'player' ? 'Player' : 'General', options: [o] });
  }
  return groups;
}

const USAGE: Record<string, string> = {
  manifest: 'manifest',
  video: 'video segments',
  audio: 'audio segments',
  text: 'text segments',
  time: 'time',
  html: 'player page',
};

function TemplateSupport({ option }: { option: CgiOption }) {
  const notes = TEMPLATES.map((t) => ({ t, s: templateSupport(t, option) }));
  const unsupported = notes.filter((n) => !n.s.ok);
  const restricted = notes.filter((n) => n.s.ok && 'only' in n.s);
  if (unsupported.length === 0 && restricted.length === 0) return <>all</>;
  return (
    <>
      {notes
        .filter((n) => n.s.ok)
        .map((n) => n.t.title)
        .join(', ') || 'none'}
      {restricted.map((n) => (
        <div key={n.t.name}>
          <small>
            {n.t.title}: only {'only' in n.s ? n.s.only.join(', ') : ''}
          </small>
        </div>
      ))}
    </>
  );
}

function OptionRow({ option }: { option: CgiOption }) {
  return (
    <tr id={option.param}>
      <th scope="row">
        <a href={`#${option.param}`} class="param-anchor">
          <code>{option.param}</code>
        </a>
        {option.shortName !== option.param && (
          <div>
            <small>
              short <code>{option.shortName}</code>
            </small>
          </div>
        )}
      </th>
      <td>
        <strong>{option.title}</strong>
        <div>{option.description}</div>
      </td>
      <td>
        <code>{option.syntax}</code>
      </td>
      <td>
        {option.options.length > 0 ? (
          <ul class="choices">
            {option.options.map(([label, pair]) => (
              <li key={pair}>
                <code>{pair}</code> {label}
              </li>
            ))}
          </ul>
        ) : (
          '–'
        )}
      </td>
      <td>
        <code>{option.default === '' ? '(not set)' : option.default}</code>
      </td>
      <td>{option.usage.map((u) => USAGE[u] ?? u).join(', ')}</td>
      <td>
        <TemplateSupport option={option} />
      </td>
    </tr>
  );
}

export function OptionsDocsPage() {
  const groups = docGroups();
  useReadyMarker(true);
  // The browser looked for the anchor before the page was drawn; go there now.
  useEffect(() => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);
  return (
    <Page>
      <PageTitle title="Options" crumbs={[{ label: 'Home', href: '/' }]} />
      <p>
        Every option a manifest, segment or player-page URL accepts, from the option registry (also served as{' '}
        <a href="/api/cgiOptions">/api/cgiOptions</a>). Unknown parameters are ignored; a bad value of a known
        one is refused with a 400 that names it.
      </p>
      <nav aria-label="Option groups" class="group-index">
        <ul>
          {groups.map((g) => (
            <li key={g.id}>
              <a href={`#group-${g.id}`}>{g.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {groups.map((g) => (
        <section key={g.id} aria-labelledby={`group-${g.id}`}>
          <h2 id={`group-${g.id}`}>{g.title}</h2>
          <div class="overflow-auto">
            <table class="options-table striped">
              <thead>
                <tr>
                  <th scope="col">Parameter</th>
                  <th scope="col">Option</th>
                  <th scope="col">Syntax</th>
                  <th scope="col">Choices</th>
                  <th scope="col">Default</th>
                  <th scope="col">Used by</th>
                  <th scope="col">Templates</th>
                </tr>
              </thead>
              <tbody>
                {g.options.map((o) => (
                  <OptionRow key={o.param} option={o} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </Page>
  );
}
