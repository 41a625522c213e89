/**
 * The CLI's fetcher (validator.md §6, §7): no address rule (the CLI runs with the user's own
 * network access). http(s) goes through the shared bounded fetcher; `file:` URLs — a local MPD
 * given as a path — are read from disk, only inside the MPD file's folder (§6.1).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFetcher, type FetchRequest, type FetchResult, type Fetcher } from '@loopcast/dash';

export function cliFetcher(opts: { concurrency: number; root?: string }): Fetcher {
  const http = createFetcher({ addressRule: false, concurrency: opts.concurrency });
  const root = opts.root ? resolve(dirname(opts.root)) : undefined;
  return {
    async fetch(req: FetchRequest): Promise<FetchResult> {
      if (!req.url.startsWith('file:')) return http.fetch(req);
      const started = Date.now();
      const base = { url: req.url, headers: {}, attempts: 1, body: new Uint8Array(0) };
      const path = fileURLToPath(req.url);
      if (!root || (path !== root && !path.startsWith(root + sep)))
        return {
          ...base,
          status: 0,
          elapsedMs: 0,
          failure: 'address-not-allowed',
          failureDetail: `${path} is outside ${root ?? 'the MPD folder'}`,
        };
      try {
        const all = await readFile(path);
        const body = req.range ? all.subarray(req.range[0], req.range[1] + 1) : all;
        return { ...base, status: req.range ? 206 : 200, body, elapsedMs: Date.now() - started };
      } catch {
        return { ...base, status: 404, elapsedMs: Date.now() - started };
      }
    },
  };
}
