/** The parts every page shares: navigation, title with breadcrumbs, and the ready marker. */
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

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
          <a href="/music">Music</a>
        </li>
      </ul>
    </nav>
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
