/**
 * Helpers for browser tests of loopcast's own pages (app.md §9): the web build, a page in a fresh
 * context that records console errors, dialogs and off-host requests, logging in through the login
 * page, and screenshots at 1280×800 into test-output/screenshots/ (testing.md §3.10).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../loopcast.js';
import { REPO_ROOT } from '../paths.js';
import { launchChromium, requireChromium } from './chromium.js';

const WEB = join(REPO_ROOT, 'packages', 'web');
export const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
export const VIEWPORT = { width: 1280, height: 800 };

/** Builds the UI when no build is present; a failed build fails the file with Vite's output. */
export function ensureWebBuild(): void {
  if (existsSync(join(WEB, 'dist', 'index.html'))) return;
  try {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
      cwd: WEB,
      stdio: 'pipe',
      timeout: 120_000,
    });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`packages/web could not be built: ${String(e.stderr ?? '')}${String(e.stdout ?? '')}`, {
      cause: err,
    });
  }
  assert.ok(existsSync(join(WEB, 'dist', 'index.html')), 'vite build left no dist/index.html');
}

export interface UiPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions (CSP refusals show up here). */
  consoleErrors: string[];
  /** Messages of any alert/confirm/prompt the page opened (each is dismissed). */
  dialogs: string[];
  /** Requests that left the server's origin. */
  offHost: string[];
  /** Responses with a status ≥ 400. */
  badResponses: string[];
  close(): Promise<void>;
}

export async function openUiPage(browser: Browser, origin: string): Promise<UiPage> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const ui: UiPage = {
    context,
    page,
    consoleErrors: [],
    dialogs: [],
    offHost: [],
    badResponses: [],
    close: () => context.close(),
  };
  page.on('console', (m) => {
    if (m.type() === 'error') ui.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => ui.consoleErrors.push(`pageerror ${e.message}`));
  page.on('dialog', (d) => {
    ui.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  context.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(url)) ui.offHost.push(url);
  });
  context.on('response', (r) => {
    if (r.status() >= 400) ui.badResponses.push(`${r.status()} ${r.url()}`);
  });
  return ui;
}

/** Logs in through /login and waits for the page it sends the browser to. */
export async function logIn(
  page: Page,
  origin: string,
  username: string,
  password: string,
  next = '/',
): Promise<void> {
  await page.goto(`${origin}/login?next=${encodeURIComponent(next)}`);
  await page.waitForSelector('[data-ready]');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${origin}${next}`), page.click('button[type=submit]')]);
  await page.waitForSelector('[data-ready]');
}

/** A full-page screenshot named for the page; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The first admin's password in UI tests (no forced change, so a login lands on the page). */
export const ADMIN_PASSWORD = 'admin-password-1';

export interface UiRig {
  readonly server: TestServer;
  readonly origin: string;
  /**
   * Runs `fn` with a page in a fresh context of the file's one browser and closes the context;
   * skips (locally) or fails (CI) when Chromium is missing.
   */
  run(t: TestContext, fn: (ui: UiPage) => Promise<void>): Promise<void>;
}

/**
 * The server and browser of one browser test file: the web build and a test server (with the
 * first admin logged in by password when `admin`) before the tests, both stopped after them.
 */
export function uiRig(opts: { admin?: boolean; setup?: (server: TestServer) => Promise<void> } = {}): UiRig {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    ensureWebBuild();
    server = await startTestServer(
      opts.admin
        ? { env: { LOOPCAST_ADMIN_PASSWORD: ADMIN_PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' } }
        : {},
    );
    await opts.setup?.(server);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      assert.ok(server, 'the test server has not started');
      return server;
    },
    get origin() {
      return this.server.origin;
    },
    async run(t, fn) {
      if (!requireChromium(t)) return;
      browser ??= await launchChromium();
      const ui = await openUiPage(browser, this.origin);
      try {
        await fn(ui);
      } finally {
        await ui.close();
      }
    },
  };
}
