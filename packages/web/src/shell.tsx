/** The parts every page shares: navigation, title with breadcrumbs, and the ready marker. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getSession, send, type SessionInfo } from './account/api.ts';

export function NavBar() {
  return (
    <nav class="container-fluid site-nav" aria-label="Main">
      <ul>
        <li>
          <a href="/" class="brand">
            <strong>loopcast</strong>
          </a>
        </li>
      </ul>
      <ul>
        <li>
          <a href="/">Home</a>
        </li>
        <li>
          <a href="/streams">Streams</a>
        </li>
        <li>
          <a href="/multi-period-streams">Multi-period</a>
        </li>
        <li>
          <a href="/keys">Keys</a>
        </li>
        <li>
          <a href="/music">Music</a>
        </li>
        <li>
          <a href="/validate">Validate</a>
        </li>
        <li>
          <a href="/options">Options</a>
        </li>
        <AccountNav />
      </ul>
    </nav>
  );
}

/**
 * "Users" for admins, "Account" for others, and Log in / Log out (app.md §9.1). The session is
 * asked once per page; links a visitor may not use are not shown.
 */
function AccountNav() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  // The login pages fetch the session themselves: two first requests at once would each be
  // handed a fresh anonymous cookie, and the CSRF token kept could belong to the other one.
  const own = /^\/(login|change-password)$/.test(location.pathname);
  useEffect(() => {
    if (own) return;
    getSession()
      .then(setSession)
      .catch(() => undefined);
  }, []);
  if (!session) return null;
  if (!session.user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return (
      <li>
        <a href={`/login?next=${next}`}>Log in</a>
      </li>
    );
  }
  const logout = () =>
    void send('POST', '/api/auth/logout', {})
      .catch(() => undefined)
      .then(() => location.assign('/'));
  return (
    <>
      <li>
        <a href="/inspect">Inspect</a>
      </li>
      <li>{session.permissions.admin ? <a href="/users">Users</a> : <a href="/account">Account</a>}</li>
      <li>
        <a
          href="/login"
          id="logout"
          onClick={(e) => {
            e.preventDefault();
            logout();
          }}
        >
          Log out ({session.user.username})
        </a>
      </li>
    </>
  );
}

export interface Crumb {
  label: string;
  href?: string;
}

export function PageTitle({ title, crumbs = [] }: { title: string; crumbs?: Crumb[] }) {
  useEffect(() => {
    document.title = `${title} · loopcast`;
  }, [title]);
  return (
    <header class="page-title">
      {crumbs.length > 0 && (
        <nav aria-label="breadcrumb">
          <ul>
            {crumbs.map((c) => (
              <li key={c.label}>{c.href ? <a href={c.href}>{c.label}</a> : c.label}</li>
            ))}
            <li>{title}</li>
          </ul>
        </nav>
      )}
      <h1>{title}</h1>
    </header>
  );
}

/** Tests and screenshots wait for `[data-ready]` (testing.md §3.10). */
export function useReadyMarker(ready: boolean): void {
  useEffect(() => {
    if (ready) document.body.setAttribute('data-ready', '');
    else document.body.removeAttribute('data-ready');
  }, [ready]);
}

export function Page({ children }: { children: ComponentChildren }) {
  return (
    <>
      <NavBar />
      <main class="container">{children}</main>
    </>
  );
}

export function NotFoundPage() {
  useReadyMarker(true);
  return (
    <Page>
      <PageTitle title="Page not found" />
      <p>
        There is no page at <code>{location.pathname}</code>. <a href="/">Back to the home page</a>.
      </p>
    </Page>
  );
}
