/**
 * Builds the web UI (app.md §9.1) into dist/. The option and template registries come from
 * @loopcast/dash at build time through the virtual module `virtual:loopcast-registry`, so the
 * builder form has one source and the browser never fetches or re-implements the registry.
 * The players are not bundled: the server serves their prebuilt files under /static/players/,
 * and the build records which versions are installed so the player page can name them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, runnerImport, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/** Version of an installed package, found by walking up node_modules as Node does. */
function installedVersion(name: string): string {
  let dir = here;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
      return pkg.version;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`${name} is not installed`);
      dir = parent;
    }
  }
}

/** The two document builders this build needs from @loopcast/dash (its types need Node's). */
interface DashDocuments {
  cgiOptionsDocument(): unknown;
  manifestsDocument(): unknown;
}

const VIRTUAL_ID = 'virtual:loopcast-registry';

function loopcastRegistry(): Plugin {
  return {
    name: 'loopcast-registry',
    resolveId: (id) => (id === VIRTUAL_ID ? `\0${VIRTUAL_ID}` : null),
    async load(id) {
      if (id !== `\0${VIRTUAL_ID}`) return null;
      // Vite's module runner imports the TypeScript sources of the workspace package; a plain
      // import from this config file would hand them to Node, which cannot run .ts files.
      const { module: dash } = await runnerImport<DashDocuments>('@loopcast/dash');
      const players = {
        dashjs: [installedVersion('dashjs'), installedVersion('dashjs4')],
        shaka: [installedVersion('shaka-player'), installedVersion('shaka4')],
      };
      return [
        `export const OPTIONS = ${JSON.stringify(dash.cgiOptionsDocument())};`,
        `export const MANIFESTS = ${JSON.stringify(dash.manifestsDocument())};`,
        `export const PLAYERS = ${JSON.stringify(players)};`,
      ].join('\n');
    },
  };
}

export default defineConfig({
  root: here,
  plugins: [preact(), loopcastRegistry()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed names under /assets/ are served as immutable; the shell (index.html) is not.
    assetsDir: 'assets',
    target: 'es2022',
  },
});
