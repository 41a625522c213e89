#!/usr/bin/env node
// The `loopcast` executable. It runs the prebuilt bundle (scripts/build-server.ts, made by
// `npm run build`) while that is newer than every source file, and otherwise the TypeScript
// sources through tsx — so an edited checkout never runs stale code, and an installed one starts
// without compiling anything.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const bundle = new URL('../dist/loopcast.mjs', import.meta.url);

function newestSourceMs() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const name of ['bmff', 'dash', 'daap', 'server']) walk(join(packagesDir, name, 'src'));
  return newest;
}

function bundleIsFresh() {
  try {
    const builtAt = Number(readFileSync(new URL('../dist/built-at', import.meta.url), 'utf8'));
    return builtAt > newestSourceMs() && statSync(bundle).isFile();
  } catch {
    return false;
  }
}

let main;
if (process.env.LOOPCAST_FROM_SOURCE !== '1' && bundleIsFresh()) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
