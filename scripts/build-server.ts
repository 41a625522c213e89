/**
 * Bundles the server and the libraries it uses into one ES module, so `loopcast` starts without
 * compiling TypeScript (spec README §6: cold start ≤ 1.5 s; stack.md §3.3). Dependencies stay
 * external and load as they are. `import.meta.url` keeps pointing at each source file, so the
 * templates, assets, demo content and web build are found where they live in the repository.
 * The bundle is a cache: bin/loopcast.js uses it only while it is newer than every source file.
 */
import { build, type Plugin } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'packages', 'server', 'dist', 'loopcast.mjs');

const sourceUrls: Plugin = {
  name: 'loopcast-sources',
  setup(b) {
    // Workspace packages are TypeScript sources: bundle them; everything from npm stays external.
    b.onResolve({ filter: /^@loopcast\/(bmff|dash|daap)$/ }, (args) => ({
      path: join(root, 'packages', args.path.slice('@loopcast/'.length), 'src', 'index.ts'),
    }));
    b.onLoad({ filter: /packages\/[^/]+\/src\/.*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
};

const started = performance.now();
await build({
  entryPoints: [join(root, 'packages', 'server', 'src', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [sourceUrls],
  sourcemap: 'linked',
  logLevel: 'warning',
});
await writeFile(join(root, 'packages', 'server', 'dist', 'built-at'), String(Date.now()));
console.log(`server bundle: ${outfile} in ${Math.round(performance.now() - started)} ms`);
