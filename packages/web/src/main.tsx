/**
 * The UI shell (app.md §9.1): picks the page for the current path and loads its code on demand, so
 * the builder never downloads the player page and the other way round.
 */
import '@picocss/pico/css/pico.min.css';
import './style.css';
import { render, type ComponentType } from 'preact';
import { NotFoundPage } from './shell.tsx';

interface Route {
  pattern: RegExp;
  load: () => Promise<ComponentType<{ match: RegExpExecArray }>>;
}

/** The UI route table; the server answers the same paths with this shell. */
const ROUTES: Route[] = [
  { pattern: /^\/$/, load: () => import('./builder/BuilderPage.tsx').then((m) => m.BuilderPage) },
  { pattern: /^\/login$/, load: () => import('./account/LoginPage.tsx').then((m) => m.LoginPage) },
  {
    pattern: /^\/change-password$/,
    load: () => import('./account/ChangePasswordPage.tsx').then((m) => m.ChangePasswordPage),
  },
  { pattern: /^\/music$/, load: () => import('./music/MusicPage.tsx').then((m) => m.MusicPage) },
  { pattern: /^\/validate$/, load: () => import('./validate/ValidatePage.tsx').then((m) => m.ValidatePage) },
  { pattern: /^\/inspect$/, load: () => import('./inspect/InspectPage.tsx').then((m) => m.InspectPage) },
  {
    pattern: /^\/options$/,
    load: () => import('./options-docs/OptionsDocsPage.tsx').then((m) => m.OptionsDocsPage),
  },
  {
    pattern: /^\/keys(?:\/\.add)?$/,
    load: () => import('./keys/KeysPage.tsx').then((m) => m.KeysPage),
  },
  { pattern: /^\/keys\/([0-9A-Za-z_-]+)$/, load: () => import('./keys/KeysPage.tsx').then((m) => m.KeyPage) },
  { pattern: /^\/users$/, load: () => import('./users/UsersPage.tsx').then((m) => m.UsersPage) },
  { pattern: /^\/account$/, load: () => import('./users/AccountPage.tsx').then((m) => m.AccountPage) },
  {
    pattern: /^\/users\/(?:\.add|([^/.][^/]*))$/,
    load: () => import('./users/UserFormPage.tsx').then((m) => m.UserFormPage),
  },
  { pattern: /^\/streams$/, load: () => import('./streams/StreamsPage.tsx').then((m) => m.StreamsPage) },
  {
    pattern: /^\/multi-period-streams$/,
    load: () => import('./multi-period/MpsListPage.tsx').then((m) => m.MpsListPage),
  },
  {
    pattern: /^\/multi-period-streams\/(?:\.add|([^/.][^/]*))$/,
    load: () => import('./multi-period/MpsEditorPage.tsx').then((m) => m.MpsEditorPage),
  },
  {
    pattern: /^\/streams\/\.add$/,
    load: () => import('./streams/StreamsPage.tsx').then((m) => m.AddStreamPage),
  },
  {
    pattern: /^\/streams\/([A-Za-z0-9]+)$/,
    load: () => import('./streams/StreamPage.tsx').then((m) => m.StreamPage),
  },
  {
    pattern: /^\/streams\/([A-Za-z0-9]+)\/defaults$/,
    load: () => import('./streams/DefaultsPage.tsx').then((m) => m.DefaultsPage),
  },
  {
    pattern: /^\/streams\/([A-Za-z0-9]+)\/files\/([^/]+)$/,
    load: () => import('./media/MediaInfoPage.tsx').then((m) => m.MediaInfoPage),
  },
  {
    pattern: /^\/streams\/([A-Za-z0-9]+)\/files\/([^/]+)\/edit$/,
    load: () => import('./media/EditFilePage.tsx').then((m) => m.EditFilePage),
  },
  {
    pattern: /^\/streams\/([A-Za-z0-9]+)\/files\/([^/]+)\/segments$/,
    load: () => import('./media/SegmentsPage.tsx').then((m) => m.SegmentsPage),
  },
  {
    pattern: /^\/streams\/([A-Za-z0-9]+)\/files\/([^/]+)\/segments\/(\d+)$/,
    load: () => import('./media/BoxTreePage.tsx').then((m) => m.BoxTreePage),
  },
  {
    pattern: /^\/play\/([^/]+)\/([^/]+)\/([^/]+)$/,
    load: () => import('./player/PlayerPage.tsx').then((m) => m.PlayerPage),
  },
];

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  const path = location.pathname;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const Page = await route.load();
    render(<Page match={match} />, root);
    return;
  }
  render(<NotFoundPage />, root);
}

void start();
