/**
 * Renders the TV pages (app.md §9.8) from their eta templates with auto-escaping: templates write
 * values only with `<%= … %>`; the single raw output is the layout inserting a page that eta has
 * already rendered and escaped. The ES5 scripts are files of their own (`/tv/home.js`,
 * `/tv/play.js`), because the CSP blocks inline scripts (§15).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Eta } from 'eta';
import type { HomeView, PlayView } from './model.js';

const TEMPLATE_DIR = new URL('./templates/', import.meta.url);
const SCRIPT_DIR = new URL('./scripts/', import.meta.url);

/** Template sources by name, read once; the unit test checks them for raw output. */
export const TV_TEMPLATES: ReadonlyMap<string, string> = new Map(
  readdirSync(TEMPLATE_DIR)
    .filter((f) => f.endsWith('.eta'))
    .map((f) => [f.slice(0, -4), readFileSync(new URL(f, TEMPLATE_DIR), 'utf8')]),
);

/** The page scripts by URL name (`home.js`), ES5 source read once. */
export const TV_SCRIPTS: ReadonlyMap<string, string> = new Map(
  readdirSync(SCRIPT_DIR)
    .filter((f) => f.endsWith('.es5'))
    .map((f) => [`${f.slice(0, -4)}.js`, readFileSync(new URL(f, SCRIPT_DIR), 'utf8')]),
);

const eta = new Eta({ autoEscape: true, autoTrim: [false, 'nl'], cache: true });
for (const [name, source] of TV_TEMPLATES) eta.loadTemplate(`@${name}`, source);

export const renderHome = (view: HomeView): string => eta.render('@home', { ...view, script: '/tv/home.js' });

export function renderPlay(view: PlayView): string {
  if (view.ok) return eta.render('@play', { ...view, script: '/tv/play.js' });
  return eta.render('@problem', { ...view, script: '/tv/play.js' });
}
