/**
 * A tiny static server for the harness page and the two player builds, on its own loopback port.
 * loopcast runs on another port, so every manifest, segment and /time request the players make is
 * cross-origin and proves loopcast's CORS headers as a player on another site would see them.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { HARNESS_HTML } from './harness-page.js';

export interface HarnessServer {
  /** e.g. http://127.0.0.1:40124 */
  origin: string;
  /** The harness page URL for one playback. */
  pageUrl(player: PlayerName, mpd: string, opts?: { settings?: unknown; width?: number }): string;
  stop(): Promise<void>;
}

export type PlayerName = 'dashjs' | 'shaka';

const PLAYER_BUILDS: Record<string, string> = {
  '/lib/dash.all.min.js': join(REPO_ROOT, 'node_modules/dashjs/dist/modern/umd/dash.all.min.js'),
  '/lib/shaka-player.compiled.js': join(REPO_ROOT, 'node_modules/shaka-player/dist/shaka-player.compiled.js'),
};

export async function startHarnessServer(): Promise<HarnessServer> {
  // Read once: every test context starts with an empty cache and fetches them again.
  const files = new Map<string, { body: Buffer | string; type: string }>([
    ['/', { body: HARNESS_HTML, type: 'text/html; charset=utf-8' }],
  ]);
  for (const [path, file] of Object.entries(PLAYER_BUILDS)) {
    files.set(path, { body: readFileSync(file), type: 'text/javascript; charset=utf-8' });
  }
  const server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl(player, mpd, opts = {}) {
      const q = new URLSearchParams({ player, mpd });
      if (opts.settings !== undefined) q.set('settings', JSON.stringify(opts.settings));
      if (opts.width !== undefined) q.set('width', String(opts.width));
      return `${origin}/?${q.toString()}`;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
